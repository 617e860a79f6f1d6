from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.ingest.services import corpus_ingest


class Command(BaseCommand):
    help = (
        "Ingest source texts into regulations, clauses, publications and articles. "
        "Law files (.md) and publications (.txt); directories are searched recursively. "
        "Without PATH, the bundled corpus in fixtures/corpus/ is ingested. Each file is one "
        "transaction: a file that cannot be read or parsed is reported and writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", metavar="PATH", help="files or directories")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="parse and report what would change, write nothing",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="re-parse files even when their checksum is unchanged",
        )

    def handle(self, *args, paths, dry_run, force, verbosity, **options):
        targets = [Path(p) for p in paths] or [Path(settings.CORPUS_DIR)]
        quiet = verbosity == 0

        def progress(position, total, result):
            if quiet:
                return
            line = f"[{position}/{total}] {result.outcome:<12} {result.path}"
            if result.outcome != "unchanged" and result.outcome != "failed":
                line += (
                    f"  法规 {result.regulations} · 条文 {result.clauses}"
                    f" · 文章 {result.articles} · 目录 {result.catalogue}"
                )
            if result.outcome == "failed":
                self.stderr.write(self.style.ERROR(f"{line}\n    {result.message}"))
            else:
                self.stdout.write(line)
            if verbosity > 1:
                for warning in result.warnings:
                    self.stdout.write(self.style.WARNING(f"    注意：{warning}"))

        def index_progress(name, done, total):
            if not quiet:
                self.stdout.write(f"  索引 {name}: {done}/{total}")

        report = corpus_ingest(
            paths=targets,
            dry_run=dry_run,
            force=force,
            progress=progress,
            index_progress=index_progress,
        )
        outcomes: dict[str, int] = {}
        for result in report.files:
            outcomes[result.outcome] = outcomes.get(result.outcome, 0) + 1
        summary = "，".join(f"{k} {v}" for k, v in sorted(outcomes.items())) or "没有文件"
        if not quiet:
            self.stdout.write(f"完成：{summary}")
        if report.failed:
            raise CommandError(
                f"{len(report.failed)} 个文件未能导入（见上方说明），其余文件已导入。"
            )
