import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.core.changes import cursor_latest, moment_parse
from apps.core.exceptions import ApiError
from apps.policies.records import KINDS
from apps.policies.sync import corpus_lines, corpus_querysets


class Command(BaseCommand):
    help = (
        'Export the base as NDJSON: one JSON object a line, {"type": publication|article|'
        "regulation|clause, …every field of the record}, the same records as the change feed "
        "(/api/v1/changes/). Streams in chunks (memory stays flat) and reports progress on "
        "stderr, with the change-feed cursor to follow the feed from once the copy is loaded."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["ndjson"], default="ndjson", help="ndjson")
        parser.add_argument(
            "--since",
            metavar="ISO8601",
            help="only records created or updated since then (e.g. 2026-12-01T00:00:00Z)",
        )
        parser.add_argument(
            "--types",
            default=",".join(KINDS),
            help=f"comma-separated kinds to export (default: {','.join(KINDS)})",
        )
        parser.add_argument("--output", "-o", help="file to write (default: stdout)")

    def handle(self, *args, format, since, types, output, verbosity, **options):
        kinds = [kind.strip() for kind in types.split(",") if kind.strip()]
        unknown = [kind for kind in kinds if kind not in KINDS]
        if unknown or not kinds:
            raise CommandError(f"--types 只能取 {','.join(KINDS)}：{types!r}")
        try:
            moment = moment_parse(since, name="--since") if since else None
        except ApiError as error:
            raise CommandError(str(error)) from None
        cursor = cursor_latest()  # before reading: the feed from here covers writes meanwhile
        querysets = corpus_querysets(kinds=kinds, since=moment)
        totals = {kind: queryset.count() for kind, queryset in querysets.items()}
        started = time.monotonic()
        report = sys.stderr if verbosity else None

        def progress(kind: str, done: int) -> None:
            if report:
                report.write(f"\r  {kind} {done}/{totals[kind]}")
                if done >= totals[kind]:
                    report.write("\n")

        # A file is written beside its name and renamed when whole: an export interrupted
        # midway leaves no half file that looks like a copy of the base.
        partial = Path(f"{output}.part") if output else None
        stream = partial.open("wb") if partial else sys.stdout.buffer
        written = 0
        try:
            for chunk in corpus_lines(querysets, progress=progress):
                stream.write(chunk)
                written += len(chunk)
        except BaseException:
            if partial:
                stream.close()
                partial.unlink(missing_ok=True)
            raise
        if partial:
            stream.close()
            partial.replace(output)
        seconds = time.monotonic() - started
        if report:
            report.write(
                f"完成：{sum(totals.values())} 条记录，{written / 2**20:.1f} MB，{seconds:.1f} 秒；"
                f"此后的变更：/api/v1/changes/?since={cursor}\n"
            )
