from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.core.services import changes_prune


class Command(BaseCommand):
    help = (
        "Shorten the change feed's log (run it daily): entries older than --days that a later "
        "entry of the same record supersedes are removed (a mirror still reads the later one), "
        "and so are tombstones older than --days; a cursor from before the newest removed "
        "tombstone is then answered 410 (the mirror starts over)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.CHANGES_TOMBSTONE_DAYS,
            help="keep this many days of full history and tombstones "
            "(default: CHANGES_TOMBSTONE_DAYS, %(default)s)",
        )

    def handle(self, *args, days, **options):
        if days < 1:
            raise CommandError("--days 应为不小于 1 的整数。")
        superseded, tombstones = changes_prune(days=days)
        self.stdout.write(
            f"完成：删去 {superseded} 条被后续变更取代的旧记录、{tombstones} 条过期的删除记录"
            f"（保留 {days} 天）。"
        )
