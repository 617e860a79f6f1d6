from django.core.management.base import BaseCommand, CommandError

from apps.search.services import index_check, index_repair
from apps.search.storage import SearchUnavailable


class Command(BaseCommand):
    help = (
        "Compare the search index with the database: records missing from the index, records "
        "changed since they were indexed, and index entries whose record is gone. With --repair, "
        "fix exactly those. Exits with status 1 when drift remains."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help="re-index what differs")
        parser.add_argument("--limit", type=int, default=10, help="examples listed per kind")

    def handle(self, *args, repair, limit, **options):
        try:
            drift = index_repair() if repair else index_check()
        except SearchUnavailable as error:
            raise CommandError(
                f"检索索引无法打开：{error}。运行 `python manage.py rebuild_index` 重建。"
            ) from None
        kinds = [
            ("缺失（数据库有，索引无）", drift.missing),
            ("过期（索引后又被修改）", drift.stale),
            ("多余（数据库已删除）", drift.orphaned),
        ]
        for label, items in kinds:
            self.stdout.write(f"{label}：{len(items)}")
            for identifier in items[:limit]:
                self.stdout.write(f"  {identifier}")
        if drift.clean:
            self.stdout.write(self.style.SUCCESS("索引与数据库一致。"))
        elif repair:
            remaining = index_check()
            if remaining.clean:
                self.stdout.write(self.style.SUCCESS("已修复，索引与数据库一致。"))
            else:
                raise CommandError("修复后仍不一致，请运行 rebuild_index。")
        else:
            raise CommandError(
                "索引与数据库不一致；运行 `python manage.py check_index --repair` 修复。"
            )
