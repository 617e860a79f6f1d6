from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.ingest.services import corpus_ingest


class Command(BaseCommand):
    help = (
        "Ingest source texts into regulations, clauses, publications and articles. "
        "Law files (.md) and publications (.txt); directories are searched recursively. "
        "Without PATH, the whole bundled corpus in fixtures/corpus/ is ingested (--demo: a "
        "small part of it). Each file (or the files of one work, such as the 民法典's 编) is one "
        "transaction: a file that cannot be read or parsed is reported and writes nothing; a "
        "copy of a version already ingested from another file is recorded as its source. The "
        "run ends with a reconciliation of the clauses stored against an independent count."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", metavar="PATH", help="files or directories")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="parse and report what would change, write nothing",
        )
        parser.add_argument(
            "--demo",
            action="store_true",
            help="without PATH: only the quick demo subset (laws, seeds, 民法典, 广东)",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="re-parse files even when their checksum is unchanged",
        )

    def handle(self, *args, paths, dry_run, demo, force, verbosity, **options):
        if paths and demo:
            raise CommandError("--demo 只能在不指定 PATH 时使用。")
        bundled = settings.DEMO_CORPUS_PATHS if demo else [settings.CORPUS_DIR]
        targets = [Path(p) for p in paths] or [Path(p) for p in bundled]
        quiet = verbosity == 0

        def progress(position, total, result):
            if quiet:
                return
            line = f"[{position}/{total}] {result.outcome:<12} {result.path}"
            if result.outcome == "duplicate":
                line += f"  {result.message}"
            elif result.outcome not in ("unchanged", "failed"):
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
            for line in report.reconciliation().lines():
                self.stdout.write(line)
        if report.failed:
            raise CommandError(
                f"{len(report.failed)} 个文件未能导入（见上方说明），其余文件已导入。"
            )
