"""The ingestion pipeline: each file (or the files of one work) parsed and written in its own
transaction, copies of a version recognised, then citations, statuses and the search index
brought in step once for the whole run, and the result reconciled with an independent count."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.db import transaction

from apps.core.exceptions import ApplicationError
from apps.documents.models import Publication
from apps.documents.services import publication_upsert
from apps.policies.models import Level, Regulation, RegulationSource, TextSource
from apps.policies.services.citations import citations_rebuild
from apps.policies.services.content import content_version_bump
from apps.policies.services.regulations import (
    catalogue_entry_upsert,
    issuing_body_aliases_load,
    regulation_find_same,
    regulation_source_add,
    regulation_upsert,
)
from apps.policies.services.versions import works_refresh
from apps.search.services import index_reconcile, index_sync_paused
from apps.search.sync import writes_in_transaction
from lawtext.catalogue_db import STATUS_REPEALED, CatalogueIndex, catalogue_status
from lawtext.census import count_clause_lines
from lawtext.clauses import clause_number_gaps, validate_clause_numbers
from lawtext.issuers import issuer_alias_rows
from lawtext.lawfile import parse_law_markdown
from lawtext.publication import parse_publication
from lawtext.records import ParsedRegulation

from .sources import IngestError, corpus_files, read_source_text
from .works import IngestUnit, ingest_units, work_merge

logger = logging.getLogger(__name__)

# Past this many clauses written in one run, rebuilding the index beats updating it in place.
BULK_REINDEX_CLAUSES = 5000


@dataclass
class FileResult:
    path: str  # for a work split over several files, its files joined with " + "
    # created / updated / unchanged / duplicate / failed / would-create / would-update
    outcome: str
    message: str = ""
    regulations: int = 0
    clauses: int = 0
    articles: int = 0
    catalogue: int = 0
    warnings: list[str] = field(default_factory=list)
    expected_clauses: int | None = None  # independent count of 第X条 lines (law files)
    stored_clauses: int | None = None  # clauses of its regulation in the base afterwards
    files: int = 1


@dataclass
class IngestReport:
    files: list[FileResult] = field(default_factory=list)

    @property
    def failed(self) -> list[FileResult]:
        return [f for f in self.files if f.outcome == "failed"]

    def reconciliation(self) -> Reconciliation:
        return reconcile(self.files)


@dataclass
class Reconciliation:
    """Files read, clauses expected by an independent count and stored, every difference said."""

    files_read: int = 0
    expected: int = 0
    stored: int = 0
    differences: list[tuple[str, int, int, str]] = field(default_factory=list)

    def lines(self) -> list[str]:
        lines = [
            f"核对：读取文件 {self.files_read} 个；独立计数应有条文 {self.expected} 条，"
            f"实际存储 {self.stored} 条；差异 {len(self.differences)} 处。"
        ]
        lines += [
            f"  {path}：应有 {expected}，存储 {stored}（{reason}）"
            for path, expected, stored, reason in self.differences
        ]
        return lines


def reconcile(results: list[FileResult]) -> Reconciliation:
    """Sum the law files' counts; list every unit whose stored clauses differ from the count."""
    summary = Reconciliation()
    for result in results:
        summary.files_read += result.files
        if result.expected_clauses is None:
            continue
        expected, stored = result.expected_clauses, result.stored_clauses or 0
        summary.expected += expected
        if result.outcome == "duplicate":
            reason = f"重复副本，条文只存一份：{result.message}"
            summary.differences.append((result.path, expected, 0, reason))
            continue
        summary.stored += stored
        if expected == stored and result.outcome != "failed":
            continue
        if result.outcome == "failed":
            reason = f"文件未导入：{result.message}"
        elif result.outcome.startswith("would-"):
            reason = "试运行，未写入"
        elif stored > expected:
            reason = (
                f"{stored - expected} 条的“第X条”写在上一条的同一行中，逐行计数看不到，"
                "导入时已拆分为单独的条文"
            )
        else:
            reason = "；".join(result.warnings) or "解析出的条文少于逐行计数"
        summary.differences.append((result.path, expected, stored, reason))
    return summary


def _ingested(paths: list[str], checksums: list[str] | None = None) -> bool:
    """Whether these files were ingested before (with these very bytes, given checksums)."""
    if len(paths) == 1:
        publications = Publication.objects.filter(source_path=paths[0])
        if checksums is not None:
            publications = publications.filter(checksum=checksums[0])
        if publications.exists():
            return True
    sources = dict(RegulationSource.objects.filter(path__in=paths).values_list("path", "checksum"))
    if checksums is None:
        return bool(sources)
    return all(
        sources.get(path) == checksum for path, checksum in zip(paths, checksums, strict=True)
    )


def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(settings.BASE_DIR))
    except ValueError:
        return str(path.resolve())


class _DryRun(Exception):
    pass


# Two files of one version whose clauses are equal in this share or more are copies of one text
# (a copy in another folder with a corrected typo), not two texts that collide.
NEAR_IDENTICAL = 0.9


def _same_text_share(parsed: ParsedRegulation, regulation: Regulation) -> float:
    stored = list(regulation.clauses.order_by("order").values_list("label", "text"))
    if not stored and not parsed.clauses:
        return 1.0 if "\n".join(parsed.preamble) == regulation.preamble else 0.0
    ours = [(c.label, c.text) for c in parsed.clauses]
    same = sum(1 for a, b in zip(ours, stored, strict=False) if a == b)
    return same / max(len(ours), len(stored))


def _parse_law_unit(
    texts: list[tuple[str, str]], displays: list[str], result: FileResult
) -> ParsedRegulation:
    """Parse the file (or the files of one work) into one regulation; IngestError if unusable."""
    parts = []
    for (text, _checksum), display in zip(texts, displays, strict=True):
        parsed = parse_law_markdown(text, filename=display)
        if not parsed.title:
            raise IngestError(f"{display}：找不到标题（第一行应为 '# 标题'）")
        if not parsed.clauses and not parsed.preamble:
            # Kept as a record of what the header says (like a catalogue row), not lost.
            parsed.incomplete = parsed.incomplete or "来源文件只有标题和制定信息，没有正文"
        parts.append(parsed)
    parsed = work_merge(parts) if len(parts) > 1 else parts[0]
    problems = validate_clause_numbers(parsed.clauses)
    if problems:
        raise IngestError("；".join(problems))
    result.warnings.extend(clause_number_gaps(parsed.clauses))
    if parsed.incomplete:
        result.warnings.append(f"可能不完整：{parsed.incomplete}")
    return parsed


@lru_cache(maxsize=1)
def _catalogue() -> CatalogueIndex:
    """The collection's catalogue shipped beside the corpus (empty without one)."""
    directory = Path(settings.CORPUS_DIR) / "catalogue"
    if not any(directory.glob("*.sqlite3")):
        return CatalogueIndex()
    return CatalogueIndex.from_directory(directory)


def _catalogue_notes(parsed: ParsedRegulation, path: Path) -> tuple[list[str], bool]:
    """What the catalogue adds to a law file: (notes for the record, whether it is repealed).

    The text wins for dates and level; the catalogue fills only what the text does not state,
    and says so. It is the one source of the repeals that the texts do not state.
    """
    try:
        folder = str(path.resolve().parent.relative_to(Path(settings.CORPUS_DIR).resolve()))
    except ValueError:
        folder = ""
    index = _catalogue()
    row = index.find(path.name, folder)
    if row is None:
        return [], False
    notes = []
    if row.effective_on and parsed.effective_on and row.effective_on != parsed.effective_on:
        notes.append(
            f"目录记载施行日期 {row.effective_on}，与文本的 {parsed.effective_on} 不同，以文本为准"
        )
    elif row.effective_on and not parsed.effective_on:
        parsed.effective_on = row.effective_on
        notes.append(f"文本未载施行日期，取自目录：{row.effective_on}")
    if not parsed.level and row.level in Level.values:
        parsed.level = row.level
        notes.append(f"效力级别取自目录：{row.level}")
    return notes, catalogue_status(row, index) == STATUS_REPEALED


def _ingest_law_unit(
    texts: list[tuple[str, str]], paths: list[Path], displays: list[str], result: FileResult
) -> list[int]:
    parsed = _parse_law_unit(texts, displays, result)
    notes, repealed = _catalogue_notes(parsed, paths[0])
    version = parsed.version_date or parsed.promulgated_on
    same = regulation_find_same(title=parsed.title, version=version, law_file=True)
    if same is not None and same.text_source == TextSource.LAW_FILE:
        duplicate = RegulationSource.Role.DUPLICATE
        others = list(
            same.sources.exclude(path__in=displays)
            .exclude(role=duplicate)
            .values_list("path", "checksum")
        )
        gives_text = same.sources.filter(path__in=displays).exclude(role=duplicate).exists()
        if others and not gives_text:
            _duplicate_record(parsed, texts, displays, same, others, result)
            return []
    role = RegulationSource.Role.PART if len(displays) > 1 else RegulationSource.Role.TEXT
    regulation = regulation_upsert(
        parsed=parsed,
        text_source=TextSource.LAW_FILE,
        source_path=displays[0],
        checksum=_unit_checksum(texts),
        regulation=same,
        notes=notes,
    )
    if repealed != regulation.repealed:
        regulation.repealed = repealed
        regulation.save(update_fields=["repealed", "updated_at"])
    for display, (_text, checksum) in zip(displays, texts, strict=True):
        regulation_source_add(regulation=regulation, path=display, checksum=checksum, role=role)
    result.regulations, result.clauses = 1, len(parsed.clauses)
    return [regulation.pk]


def _duplicate_record(parsed, texts, displays, same, others, result) -> None:
    """Record the files as copies of a version that other files already gave, or raise
    IngestError when their text differs: another file's version is never overwritten."""
    other_paths = "、".join(path for path, _ in others)
    if len(displays) == 1 and texts[0][1] in {checksum for _, checksum in others}:
        note = f"与 {other_paths} 逐字节相同"
    else:
        share = _same_text_share(parsed, same)
        if share < NEAR_IDENTICAL:
            raise IngestError(
                f"与 {other_paths} 是同一法规同一版本（{same.title}，"
                f"{same.promulgated_on or '无日期'}），但条文不同（相同 {share:.0%}）："
                "未覆盖，请核对两个文件"
            )
        note = f"与 {other_paths} 基本相同（{share:.0%} 的条文一字不差）"
    for display, (_text, checksum) in zip(displays, texts, strict=True):
        regulation_source_add(
            regulation=same,
            path=display,
            checksum=checksum,
            role=RegulationSource.Role.DUPLICATE,
            note=note,
        )
    result.message, result.outcome = note, "duplicate"


def _unit_checksum(texts: list[tuple[str, str]]) -> str:
    if len(texts) == 1:
        return texts[0][1]
    return hashlib.sha256("".join(checksum for _, checksum in texts).encode()).hexdigest()


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


def _stored_clauses(displays: list[str]) -> int:
    source = RegulationSource.objects.filter(path=displays[0]).select_related("regulation")
    source = source.first()
    if source is None or source.role == RegulationSource.Role.DUPLICATE:
        return 0
    return source.regulation.clauses.count()


def _ingest_unit(unit: IngestUnit, *, dry_run: bool, force: bool) -> tuple[FileResult, list[int]]:
    """One file, or the files of one work, in its own transaction: (what happened, ids of the
    regulations it wrote)."""
    displays = [_display_path(path) for path in unit.paths]
    result = FileResult(path=" + ".join(displays), outcome="failed", files=len(displays))
    is_law = unit.paths[0].suffix == ".md"
    existed = False
    try:
        texts = []
        for path, display in zip(unit.paths, displays, strict=True):
            try:
                texts.append(read_source_text(path))
            except IngestError as error:
                raise IngestError(f"{display}：{error}" if unit.is_work else str(error)) from None
        if is_law:
            result.expected_clauses = sum(count_clause_lines(text) for text, _ in texts)
        checksums = [checksum for _, checksum in texts]
        if _ingested(displays, checksums) and not force:
            result.outcome = "unchanged"
            if is_law:
                result.stored_clauses = _stored_clauses(displays)
                duplicate = RegulationSource.objects.filter(
                    path=displays[0], role=RegulationSource.Role.DUPLICATE
                ).first()
                if duplicate:
                    result.outcome, result.message = "duplicate", duplicate.note
            return result, []
        existed = _ingested(displays)
        with transaction.atomic():
            if is_law:
                ids = _ingest_law_unit(texts, list(unit.paths), displays, result)
            else:
                ids = _ingest_publication(texts[0][0], displays[0], texts[0][1], result)
            if dry_run:
                raise _DryRun
        if result.outcome != "duplicate":
            result.outcome = "updated" if existed else "created"
        if is_law:
            result.stored_clauses = _stored_clauses(displays)
        return result, ids
    except _DryRun:
        if result.outcome != "duplicate":
            result.outcome = "would-update" if existed else "would-create"
            result.stored_clauses = result.clauses
    except ApplicationError as error:
        result.message = str(error)
    except Exception as error:  # a parser bug must not stop the other files
        logger.exception("ingest failed for %s", result.path)
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
    units = ingest_units(corpus_files(paths))
    in_transaction = transaction.get_connection().in_atomic_block  # the caller's
    # With the index in PostgreSQL, the whole load is one transaction (each file a savepoint):
    # its records and their index rows commit together, or not at all.
    whole = transaction.atomic() if writes_in_transaction() and not dry_run else nullcontext()
    with whole:
        if not dry_run:
            issuing_body_aliases_load(rows=issuer_alias_rows())
        rebuilt = _units_ingest(
            units,
            report,
            dry_run=dry_run,
            force=force,
            progress=progress,
            index_progress=index_progress,
        )
        if not (dry_run or rebuilt or in_transaction):
            # The index updates of an earlier run killed mid-way were lost with it, while the
            # files it committed now read as unchanged: compare the index with the database.
            # (A rebuild already ends with that comparison.)
            index_reconcile(bulk_threshold=BULK_REINDEX_CLAUSES)
    return report


def _units_ingest(units, report: IngestReport, *, dry_run, force, progress, index_progress) -> bool:
    """Ingest the units into `report`, then refresh their works; whether the index is rebuilt."""
    touched: set[int] = set()
    with index_sync_paused() as index_sync:
        for position, unit in enumerate(units, start=1):
            result, ids = _ingest_unit(unit, dry_run=dry_run, force=force)
            touched.update(ids)
            report.files.append(result)
            if progress:
                progress(position, len(units), result)
        # The versions of the works touched (and of any record not yet in a work, as after an
        # upgrade) get their dates, statuses and clause lineages.
        unassigned = set(Regulation.objects.filter(work=None).values_list("pk", flat=True))
        if (touched or unassigned) and not dry_run:
            with transaction.atomic():
                citations_rebuild(regulation_ids=touched)
                works_refresh(regulation_ids=touched | unassigned)
                content_version_bump()  # bulk writes send no signals
        written = sum(f.clauses for f in report.files if f.outcome in ("created", "updated"))
        index_sync.rebuild = written > BULK_REINDEX_CLAUSES
        index_sync.progress = index_progress
    return index_sync.rebuild
