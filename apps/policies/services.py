"""Writes for regulations, clauses and citations, and the corpus ingestion pipeline."""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from apps.documents.models import Article, Publication
from apps.documents.services import publication_upsert

from .citations import find_citations
from .lawparser import derive_level, parse_law_markdown, truncation_problem
from .models import Citation, Clause, ContentVersion, IssuingBody, Regulation, Status, TextSource
from .numerals import clause_label
from .parsed import CatalogueEntry, ParsedClause, ParsedRegulation

logger = logging.getLogger(__name__)

# Two records with the same title whose dates are this close describe one version (a catalogue
# lists the 公布 date, a law file the date of the decision it was amended by).
SAME_VERSION_DAYS = 31
MAX_FILE_BYTES = 50 * 1024 * 1024
# Past this many clauses written in one run, rebuilding the index beats updating it in place.
BULK_REINDEX_CLAUSES = 5000


class IngestError(Exception):
    """A file that cannot be ingested; nothing of it is written."""


# ---------------------------------------------------------------- regulations


def short_title_for(title: str) -> str:
    short = title.removeprefix("中华人民共和国")
    return short if len(short) >= 2 else title


def _same_title(a: str, b: str) -> bool:
    return short_title_for(a) == short_title_for(b)


def _slug_for(title: str, version: date | None, *, exclude_pk: int | None = None) -> str:
    base = (
        slugify(
            f"{short_title_for(title)[:80]}-{version.isoformat() if version else ''}",
            allow_unicode=True,
        ).strip("-")
        or "regulation"
    )
    slug, counter = base, 2
    while Regulation.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, counter = f"{base}-{counter}", counter + 1
    return slug


def regulation_find_same(*, title: str, version: date | None) -> Regulation | None:
    """The record describing the same regulation version, if the base has one."""
    candidates = Regulation.objects.filter(title__endswith=short_title_for(title))
    for candidate in candidates:
        if not _same_title(candidate.title, title):
            continue
        if version is None or candidate.promulgated_on is None:
            if version == candidate.promulgated_on:
                return candidate
            continue
        if abs((candidate.promulgated_on - version).days) <= SAME_VERSION_DAYS:
            return candidate
    return None


def issuing_bodies_get(*, names: Iterable[str]) -> list[IssuingBody]:
    bodies = []
    for name in names:
        name = name.strip()[:100]
        if name:
            bodies.append(IssuingBody.objects.get_or_create(name=name)[0])
    return bodies


def regulation_upsert(
    *,
    parsed: ParsedRegulation,
    text_source: TextSource,
    source_path: str = "",
    checksum: str = "",
    article: Article | None = None,
) -> Regulation:
    """Create or merge a regulation; the text from the best source (law file > article) wins."""
    version = parsed.version_date or parsed.promulgated_on
    regulation = regulation_find_same(title=parsed.title, version=version)
    takes_text = regulation is None or text_source >= regulation.text_source
    if regulation is None:
        regulation = Regulation(title=parsed.title[:300])
    if takes_text:
        regulation.title = parsed.title[:300]
        regulation.short_title = short_title_for(parsed.title)[:200]
        regulation.doc_number = parsed.doc_number[:100] or regulation.doc_number
        regulation.level = (
            parsed.level
            or regulation.level
            or derive_level(
                doc_number=parsed.doc_number, title=parsed.title, issuers=parsed.issuers
            )
        )
        regulation.promulgated_on = version or regulation.promulgated_on
        regulation.effective_on = parsed.effective_on or regulation.effective_on
        regulation.preamble = "\n".join(parsed.preamble)
        regulation.events = "\n".join(parsed.events)
        regulation.text_source = text_source
        regulation.source_path = source_path[:500]
        regulation.source_checksum = checksum
        regulation.has_full_text = bool(parsed.clauses) or bool(parsed.preamble)
    if article is not None:
        regulation.source_article = article
    if not regulation.slug:
        regulation.slug = _slug_for(regulation.title, regulation.promulgated_on)
    regulation.save()
    if takes_text or not regulation.issuers.exists():
        if parsed.issuers:
            regulation.issuers.set(issuing_bodies_get(names=parsed.issuers))
    if takes_text:
        clauses_sync(regulation=regulation, parsed_clauses=parsed.clauses)
    return regulation


def catalogue_entry_upsert(*, entry: CatalogueEntry, publication: Publication) -> Regulation:
    """A catalogue row: metadata only, merged into the full-text record of the same version."""
    regulation = regulation_find_same(title=entry.title, version=entry.promulgated_on)
    if regulation is None:
        regulation = Regulation(
            title=entry.title[:300],
            short_title=short_title_for(entry.title)[:200],
            doc_number=entry.doc_number[:100],
            level=derive_level(
                doc_number=entry.doc_number, title=entry.title, issuers=entry.issuers
            ),
            promulgated_on=entry.promulgated_on,
            text_source=TextSource.CATALOGUE,
        )
        regulation.slug = _slug_for(entry.title, entry.promulgated_on)
    elif not regulation.doc_number:
        regulation.doc_number = entry.doc_number[:100]
    regulation.catalogue_publication = publication
    regulation.save()
    if not regulation.issuers.exists():
        regulation.issuers.set(issuing_bodies_get(names=entry.issuers))
    return regulation


def validate_clause_numbers(parsed_clauses: list[ParsedClause]) -> list[str]:
    """Problems that make a clause list unusable: a number twice, or numbers going backwards."""
    problems = []
    seen: set[tuple[int, str]] = set()
    previous = 0
    for clause in parsed_clauses:
        key = (clause.number, clause.suffix)
        if key in seen:
            problems.append(f"{clause.label} 重复出现")
        seen.add(key)
        if clause.number < previous:
            problems.append(f"{clause.label} 出现在第{previous}条之后，条号顺序错误")
        previous = max(previous, clause.number)
    return problems


def clause_number_gaps(parsed_clauses: list[ParsedClause]) -> list[str]:
    numbers = [c.number for c in parsed_clauses if not c.suffix]
    return [
        f"第{a}条之后是第{b}条" for a, b in zip(numbers, numbers[1:], strict=False) if b > a + 1
    ]


def clauses_sync(*, regulation: Regulation, parsed_clauses: list[ParsedClause]) -> None:
    """Make the regulation's clauses equal to the parsed ones, keeping ids of unchanged numbers."""
    problems = validate_clause_numbers(parsed_clauses)
    if problems:
        raise IngestError(f"{regulation.title}: " + "；".join(problems))
    existing = {(c.number, c.suffix): c for c in regulation.clauses.all()}
    to_create, to_update = [], []
    fields = ("label", "part", "chapter", "section", "text", "order", "updated_at")
    now = timezone.now()
    for order, parsed in enumerate(parsed_clauses):
        values = {
            "label": parsed.label[:30],
            "part": parsed.part[:200],
            "chapter": parsed.chapter[:200],
            "section": parsed.section[:200],
            "text": parsed.text,
            "order": order,
        }
        clause = existing.pop((parsed.number, parsed.suffix), None)
        if clause is None:
            to_create.append(
                Clause(regulation=regulation, number=parsed.number, suffix=parsed.suffix, **values)
            )
        elif any(getattr(clause, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(clause, name, value)
            clause.updated_at = now  # bulk_update does not touch auto_now fields
            to_update.append(clause)
    if existing:
        Clause.objects.filter(pk__in=[c.pk for c in existing.values()]).delete()
    Clause.objects.bulk_update(to_update, fields, batch_size=500)
    Clause.objects.bulk_create(to_create, batch_size=500)
    regulation.has_full_text = bool(parsed_clauses) or bool(regulation.preamble)


# ---------------------------------------------------------------- citations


class _TitleIndex:
    """Regulations by title and short title, to resolve names met in clause text."""

    def __init__(self) -> None:
        self.by_name: dict[str, list[tuple[date | None, int]]] = defaultdict(list)
        for pk, title, short, promulgated in Regulation.objects.values_list(
            "pk", "title", "short_title", "promulgated_on"
        ):
            for name in {title, short}:
                if name:
                    self.by_name[name].append((promulgated, pk))

    def resolve(self, name: str, *, as_of: date | None) -> int | None:
        """The version in force when the citing text was made: newest not after `as_of`."""
        versions = self.by_name.get(name) or self.by_name.get(short_title_for(name))
        if not versions:
            return None
        dated = sorted(versions, key=lambda v: v[0] or date.min)
        if as_of:
            earlier = [v for v in dated if (v[0] or date.min) <= as_of]
            if earlier:
                return earlier[-1][1]
        return dated[-1][1]


def citations_rebuild(*, regulation_ids: Iterable[int] | None = None) -> None:
    """Find citations in the given regulations' clauses (all when None) and resolve every one."""
    clauses = Clause.objects.select_related("regulation")
    if regulation_ids is not None:
        clauses = clauses.filter(regulation_id__in=list(regulation_ids))
    titles = _TitleIndex()
    rows = []
    clause_ids = []
    for clause in clauses.only("id", "text", "regulation__id", "regulation__promulgated_on"):
        clause_ids.append(clause.pk)
        for found in find_citations(clause.text):
            start, title = found.start, found.target_title
            target = clause.regulation_id if not title else None
            for candidate in found.title_candidates or ((title,) if title else ()):
                target = titles.resolve(candidate, as_of=clause.regulation.promulgated_on)
                if target:
                    if found.title_candidates:
                        title = candidate
                        start = found.start - len(candidate)
                    break
            rows.append(
                Citation(
                    clause_id=clause.pk,
                    raw=clause.text[start : found.end][:300],
                    start=start,
                    end=found.end,
                    target_title=title[:300],
                    target_number=found.number,
                    target_suffix=found.suffix,
                    target_regulation_id=target,
                )
            )
    clause_keys = _clause_keys()
    for row in rows:  # resolved before they are written: bulk_update would be far slower
        if row.target_number is not None:
            key = (row.target_regulation_id, row.target_number, row.target_suffix)
            row.target_clause_id = clause_keys.get(key)
    for start in range(0, len(clause_ids), 900):
        Citation.objects.filter(clause_id__in=clause_ids[start : start + 900]).delete()
    Citation.objects.bulk_create(rows, batch_size=1000)
    citations_resolve(titles=titles, clause_keys=clause_keys)


def _clause_keys() -> dict[tuple[int, int, str], int]:
    """(regulation id, number, suffix) → clause id, for every clause."""
    return {
        (reg, num, suf): pk
        for pk, reg, num, suf in Clause.objects.values_list(
            "pk", "regulation_id", "number", "suffix"
        )
    }


def citations_resolve(
    *, titles: _TitleIndex | None = None, clause_keys: dict | None = None
) -> None:
    """Resolve what can now be resolved: 《titles》 of regulations ingested later, then clauses."""
    titles = titles or _TitleIndex()
    changed = []
    for citation in (
        Citation.objects.filter(target_regulation__isnull=True)
        .exclude(target_title="")
        .select_related("clause__regulation")
        .only("pk", "target_title", "clause__regulation__promulgated_on")
    ):
        target = titles.resolve(
            citation.target_title, as_of=citation.clause.regulation.promulgated_on
        )
        if target:
            citation.target_regulation_id = target
            changed.append(citation)
    Citation.objects.bulk_update(changed, ["target_regulation_id"], batch_size=1000)
    clause_keys = clause_keys if clause_keys is not None else _clause_keys()
    changed = [
        Citation(pk=pk, target_clause_id=wanted)
        for pk, regulation, number, suffix, current in Citation.objects.filter(
            target_number__isnull=False
        ).values_list(
            "pk", "target_regulation_id", "target_number", "target_suffix", "target_clause_id"
        )
        if (wanted := clause_keys.get((regulation, number, suffix))) != current
    ]
    Citation.objects.bulk_update(changed, ["target_clause_id"], batch_size=1000)


def regulation_statuses_refresh(*, today: date | None = None) -> None:
    """Newest version of each title in force (or not yet effective); older ones 已修改.

    A status an editor set to 已废止 is kept.
    """
    today = today or timezone.localdate()
    groups: dict[str, list[Regulation]] = defaultdict(list)
    for regulation in Regulation.objects.only(
        "pk", "title", "promulgated_on", "effective_on", "status"
    ):
        groups[short_title_for(regulation.title)].append(regulation)
    for versions in groups.values():
        versions.sort(key=lambda r: r.promulgated_on or date.min)
        for index, regulation in enumerate(versions):
            if regulation.status == Status.REPEALED:
                continue
            if index < len(versions) - 1:
                status = Status.AMENDED
            elif (
                regulation.effective_on
                and regulation.effective_on > today
                and (regulation.promulgated_on is None or regulation.promulgated_on <= today)
                and len(versions) == 1
            ):
                status = Status.NOT_YET_EFFECTIVE
            else:
                status = Status.IN_FORCE
            if status != regulation.status:
                regulation.status = status
                regulation.save(update_fields=["status", "updated_at"])  # signals reindex it


# ---------------------------------------------------------------- ingestion


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


def corpus_files(paths: Iterable[Path]) -> list[Path]:
    """Expand directories into the .md/.txt files under them, in a stable order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file() and p.suffix in (".md", ".txt") and p.name.lower() != "readme.md"
                )
            )
        else:
            found.append(path)
    return found


def read_source_text(path: Path) -> tuple[str, str]:
    """(text, sha256) of a UTF-8 source file; IngestError with a clear reason otherwise."""
    if not path.exists():
        raise IngestError("文件不存在")
    if not path.is_file():
        raise IngestError("不是普通文件")
    size = path.stat().st_size
    if size == 0:
        raise IngestError("文件为空")
    if size > MAX_FILE_BYTES:
        raise IngestError(
            f"文件过大（{size // (1024 * 1024)} MB，上限 {MAX_FILE_BYTES // (1024 * 1024)} MB）"
        )
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise IngestError("文件是 UTF-16 编码，请转换为 UTF-8")
    if b"\x00" in data:
        raise IngestError("文件含有二进制内容（NUL 字节），不是文本")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise IngestError(
            f"文件不是有效的 UTF-8 文本（第 {error.start} 字节起无法解码；GBK 等编码请先转换）"
        ) from None
    if not text.strip():
        raise IngestError("文件只有空白")
    return text, hashlib.sha256(data).hexdigest()


def _already_ingested(path: str, checksum: str) -> bool:
    return (
        Publication.objects.filter(source_path=path, checksum=checksum).exists()
        or Regulation.objects.filter(source_path=path, source_checksum=checksum).exists()
    )


def _display_path(path: Path) -> str:
    from django.conf import settings

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
    from apps.documents.seedparser import parse_publication

    parsed = parse_publication(text, filename=display)
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
    from apps.search.services import index_reconcile, index_sync_paused

    report = IngestReport()
    files = corpus_files(paths)
    touched: set[int] = set()
    with index_sync_paused() as index_sync:
        for position, path in enumerate(files, start=1):
            display = _display_path(path)
            result = FileResult(path=display, outcome="failed")
            try:
                text, checksum = read_source_text(path)
                if _already_ingested(display, checksum) and not force:
                    result.outcome = "unchanged"
                else:
                    existed = Publication.objects.filter(source_path=display).exists() or (
                        Regulation.objects.filter(source_path=display).exists()
                    )
                    ingest = _ingest_law_file if path.suffix == ".md" else _ingest_publication
                    with transaction.atomic():
                        ids = ingest(text, display, checksum, result)
                        if dry_run:
                            raise _DryRun
                    touched.update(ids)
                    result.outcome = "updated" if existed else "created"
            except _DryRun:
                result.outcome = "would-update" if existed else "would-create"
            except IngestError as error:
                result.message = str(error)
            except Exception as error:  # a parser bug must not stop the other files
                logger.exception("ingest failed for %s", display)
                result.message = f"解析失败：{type(error).__name__}: {error}"
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


# ---------------------------------------------------------------- editing (API and admin)


def content_version_bump() -> None:
    """Mark every cached page as stale (pages are keyed by this version)."""
    if not ContentVersion.objects.filter(pk=1).update(counter=F("counter") + 1):
        ContentVersion.objects.get_or_create(pk=1, defaults={"counter": 1})


def _validate_dates(promulgated: date | None, effective: date | None) -> None:
    if promulgated and effective and effective < promulgated:
        raise IngestError("施行日期不能早于发布日期。")


@transaction.atomic
def regulation_create(
    *, title: str, level: str, issuers: list[str] | None = None, **fields
) -> Regulation:
    """A regulation entered by an editor or internal tool (clauses are added separately)."""
    _validate_dates(fields.get("promulgated_on"), fields.get("effective_on"))
    regulation = Regulation(
        title=title,
        level=level,
        short_title=fields.pop("short_title", "") or short_title_for(title),
        **fields,
    )
    regulation.slug = fields.get("slug") or _slug_for(title, regulation.promulgated_on)
    regulation.save()
    regulation.issuers.set(issuing_bodies_get(names=issuers or []))
    return regulation


@transaction.atomic
def regulation_update(
    *, regulation: Regulation, issuers: list[str] | None = None, **fields
) -> Regulation:
    for name, value in fields.items():
        setattr(regulation, name, value)
    if "promulgated_on" in fields or "effective_on" in fields:
        # An amended version keeps its original 施行 date: compare with the first enactment.
        first = regulation.first_event_date() or regulation.promulgated_on
        _validate_dates(
            min(filter(None, [first, regulation.promulgated_on]), default=None),
            regulation.effective_on,
        )
    regulation.save()
    if issuers is not None:
        regulation.issuers.set(issuing_bodies_get(names=issuers))
    return regulation


@transaction.atomic
def regulation_delete(*, regulation: Regulation) -> None:
    regulation.delete()


def _clause_position(regulation: Regulation, number: int, suffix: str) -> int:
    """Order of a new clause: after every clause with a smaller (number, suffix)."""
    from .models import suffix_ordinal

    key = (number, suffix_ordinal(suffix))
    before = [
        c
        for c in regulation.clauses.only("number", "suffix", "order")
        if (c.number, suffix_ordinal(c.suffix)) < key
    ]
    return max((c.order for c in before), default=-1) + 1


@transaction.atomic
def clause_create(
    *, regulation: Regulation, number: int, text: str, suffix: str = "", **fields
) -> Clause:
    if regulation.clauses.filter(number=number, suffix=suffix).exists():
        raise IngestError(f"{clause_label(number, suffix)} 已存在。")
    order = _clause_position(regulation, number, suffix)
    regulation.clauses.filter(order__gte=order).update(order=F("order") + 1)
    clause = Clause.objects.create(
        regulation=regulation,
        number=number,
        suffix=suffix,
        text=text.strip(),
        order=order,
        label=fields.pop("label", "") or clause_label(number, suffix),
        **fields,
    )
    _after_clause_change(regulation)
    return clause


@transaction.atomic
def clause_update(*, clause: Clause, **fields) -> Clause:
    number, suffix = fields.get("number", clause.number), fields.get("suffix", clause.suffix)
    if (number, suffix) != (clause.number, clause.suffix):
        if clause.regulation.clauses.filter(number=number, suffix=suffix).exists():
            raise IngestError(f"{clause_label(number, suffix)} 已存在。")
        fields.setdefault("label", clause_label(number, suffix))
    for name, value in fields.items():
        setattr(clause, name, value.strip() if name == "text" else value)
    clause.save()
    _after_clause_change(clause.regulation)
    return clause


@transaction.atomic
def clause_delete(*, clause: Clause) -> None:
    regulation = clause.regulation
    clause.delete()
    _after_clause_change(regulation)


def _after_clause_change(regulation: Regulation) -> None:
    has_full_text = regulation.clauses.exists() or bool(regulation.preamble)
    if has_full_text != regulation.has_full_text:
        regulation.has_full_text = has_full_text
        regulation.save(update_fields=["has_full_text", "updated_at"])
    citations_rebuild(regulation_ids=[regulation.pk])
