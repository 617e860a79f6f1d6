import os
import time

from django.core.management.base import BaseCommand

from apps.search.services import index_rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the whole search index from the database. The new index is built beside the "
        "live one and swapped in at the end, so searches keep working and an interrupted "
        "rebuild leaves the previous index in place."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_true",
            help="accepted for compatibility with haystack; nothing is asked",
        )
        parser.add_argument(
            "--procs",
            type=int,
            default=min(2, os.cpu_count() or 1),
            help="processes that analyse text in parallel (default: up to 2)",
        )

    def handle(self, *args, procs, verbosity, **options):
        started = time.monotonic()
        last = {"line": ""}

        def progress(name, done, total):
            if verbosity:
                line = f"  {name}: {done}/{total}"
                if line != last["line"]:
                    self.stdout.write(line)
                    last["line"] = line

        if verbosity:
            self.stdout.write("正在重建检索索引（新索引建好后替换旧索引）…")
        count = index_rebuild(progress=progress, procs=max(1, procs))
        if verbosity:
            self.stdout.write(
                self.style.SUCCESS(
                    f"完成：{count} 条记录已索引，用时 {time.monotonic() - started:.1f} 秒。"
                )
            )
