from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from apps.policies.services.versions import regulation_statuses_refresh, works_refresh


class Command(BaseCommand):
    help = (
        "Bring the versions up to date. Statuses follow the calendar (a version comes into "
        "force on its 施行 day, the one before it is then 已被修改): run it daily with "
        "--statuses-only, which recomputes each version's status from its dates. Without it, "
        "every regulation is also grouped into its work again (editors' merges and splits are "
        "kept), with each version's dates and label and the clause lineages that link a clause "
        "across versions (ingestion does this for what it touches)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--statuses-only",
            action="store_true",
            help="only recompute statuses from the dates (fast; the daily run)",
        )
        parser.add_argument(
            "--today",
            metavar="YYYY-MM-DD",
            help="the day the statuses are for (default: today, in TIME_ZONE)",
        )

    def handle(self, *args, statuses_only, today, verbosity, **options):
        day = None
        if today:
            try:
                day = date.fromisoformat(today)
            except ValueError:
                raise CommandError(f"--today 应为 YYYY-MM-DD 格式的日期：{today!r}") from None
        if statuses_only:
            changed = regulation_statuses_refresh(today=day)
            self.stdout.write(f"时效性已更新：{changed} 个版本的状态有变化。")
            return

        def progress(done: int, total: int) -> None:
            if verbosity and (done == total or done % 200 == 0):
                self.stdout.write(f"  法规 {done}/{total}")

        with transaction.atomic():
            works = works_refresh(today=day, progress=progress)
        self.stdout.write(f"完成：{works} 部法规的版本、日期、时效性与条文沿革已更新。")
