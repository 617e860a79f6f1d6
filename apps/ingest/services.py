"""The ingestion pipeline: each file parsed and written in its own transaction, then citations,
statuses and the search index brought in step once for the whole run."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction

from apps.core.exceptions import ApplicationError
from apps.documents.models import Publication
from apps.documents.services import publication_upsert
from apps.policies.models import Regulation, TextSource
from apps.policies.services.citations import citations_rebuild
from apps.policies.services.content import content_version_bump
from apps.policies.services.regulations import (
    catalogue_entry_upsert,
    regulation_statuses_refresh,
    regulation_upsert,
)
from apps.search.services import index_reconcile, index_sync_paused
from lawtext.clauses import clause_number_gaps
from lawtext.lawfile import parse_law_markdown
from lawtext.publication import parse_publication
from lawtext.structure import truncation_problem

from .sources import IngestError, corpus_files, read_source_text

logger = logging.getLogger(__name__)

# Past this many clauses written in one run, rebuilding the index beats updating it in place.
BULK_REINDEX_CLAUSES = 5000


@dataclass
class FileResult:
    path: str
    outcome: str  # created / updated / unchanged / failed / would-create / would-update
    message: str = ""
    regulations: int = 0
    clauses: int = 0
    articles: int = 0
    catalogue: int = 0
    warnings: list[str] = field(default_factory=list)


@dataclass
class IngestReport:
    files: list[FileResult] = field(default_factory=list)

    @property
    def failed(self) -> list[FileResult]:
        return [f for f in self.files if f.outcome == "failed"]


def _ingested(path: str, *, checksum: str | None = None) -> bool:
    """Whether a file at `path` was ingested before (with these very bytes, given a checksum)."""
    publications = Publication.objects.filter(source_path=path)
    regulations = Regulation.objects.filter(source_path=path)
    if checksum is not None:
        publications = publications.filter(checksum=checksum)
        regulations = regulations.filter(source_checksum=checksum)
    return publications.exists() or regulations.exists()


def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(settings.BASE_DIR))
    except ValueError:
        return str(path.resolve())


class _DryRun(Exception):
    pass


def _ingest_law_file(text: str, display: str, checksum: str, result: FileResult) -> list[int]:
    if problem := truncation_problem(text):
        raise IngestError(problem)
    parsed = parse_law_markdown(text, filename=display)
    if not parsed.title:
        raise IngestError("找不到标题（第一行应为 '# 标题'）")
    if not parsed.clauses and not parsed.preamble:
        raise IngestError("没有正文")
    result.warnings.extend(clause_number_gaps(parsed.clauses))
    regulation = regulation_upsert(
        parsed=parsed, text_source=TextSource.LAW_FILE, source_path=display, checksum=checksum
    )
    result.regulations, result.clauses = 1, len(parsed.clauses)
    return [regulation.pk]


def _ingest_publication(text: str, display: str, checksum: str, result: FileResult) -> list[int]:
    parsed = parse_publication(text)
    if not parsed.articles and not parsed.catalogue:
        raise IngestError("没有识别出任何文章")
    publication, articles = publication_upsert(
        parsed=parsed, source_path=display, checksum=checksum
    )
    touched = []
    for article, parsed_article in zip(articles, parsed.articles, strict=True):
        for parsed_regulation in parsed_article.regulations:
            result.warnings.extend(clause_number_gaps(parsed_regulation.clauses))
            regulation = regulation_upsert(
                parsed=parsed_regulation,
                text_source=TextSource.ARTICLE,
                source_path=display,
                checksum=checksum,
                article=article,
            )
            touched.append(regulation.pk)
            result.clauses += len(parsed_regulation.clauses)
    for entry in parsed.catalogue:
        touched.append(catalogue_entry_upsert(entry=entry, publication=publication).pk)
    result.articles, result.catalogue = len(articles), len(parsed.catalogue)
    result.regulations = len(set(touched))
    return touched


def _ingest_file(path: Path, *, dry_run: bool, force: bool) -> tuple[FileResult, list[int]]:
    """One file in its own transaction: (what happened, ids of the regulations it wrote)."""
    display = _display_path(path)
    result = FileResult(path=display, outcome="failed")
    existed = False
    try:
        text, checksum = read_source_text(path)
        if _ingested(display, checksum=checksum) and not force:
            result.outcome = "unchanged"
            return result, []
        existed = _ingested(display)
        ingest = _ingest_law_file if path.suffix == ".md" else _ingest_publication
        with transaction.atomic():
            ids = ingest(text, display, checksum, result)
            if dry_run:
                raise _DryRun
        result.outcome = "updated" if existed else "created"
        return result, ids
    except _DryRun:
        result.outcome = "would-update" if existed else "would-create"
    except ApplicationError as error:
        result.message = str(error)
    except Exception as error:  # a parser bug must not stop the other files
        logger.exception("ingest failed for %s", display)
        result.message = f"解析失败：{type(error).__name__}: {error}"
    return result, []


def corpus_ingest(
    *,
    paths: Iterable[Path],
    dry_run: bool = False,
    force: bool = False,
    progress: Callable[[int, int, FileResult], None] | None = None,
    index_progress: Callable[[str, int, int], None] | None = None,
) -> IngestReport:
    """Ingest law files (.md) and publications (.txt), each file in its own transaction.

    A file that fails writes nothing and the others still go in; afterwards citations are resolved
    and version statuses refreshed. The search index is updated once, at the end, for what changed.
    """
    report = IngestReport()
    files = corpus_files(paths)
    touched: set[int] = set()
    with index_sync_paused() as index_sync:
        for position, path in enumerate(files, start=1):
            result, ids = _ingest_file(path, dry_run=dry_run, force=force)
            touched.update(ids)
            report.files.append(result)
            if progress:
                progress(position, len(files), result)
        if touched and not dry_run:
            with transaction.atomic():
                citations_rebuild(regulation_ids=touched)
                regulation_statuses_refresh()
                content_version_bump()  # bulk writes send no signals
        written = sum(f.clauses for f in report.files if f.outcome in ("created", "updated"))
        index_sync.rebuild = written > BULK_REINDEX_CLAUSES
        index_sync.progress = index_progress
    in_transaction = transaction.get_connection().in_atomic_block
    if not (dry_run or index_sync.rebuild or in_transaction):
        # The index updates of an earlier run killed mid-way were lost with it, while the
        # files it committed now read as unchanged: compare the index with the database.
        # (A rebuild already ends with that comparison.)
        index_reconcile(bulk_threshold=BULK_REINDEX_CLAUSES)
    return report
