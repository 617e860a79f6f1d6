"""Reads for regulations and clauses, shared by the pages and the API."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from html import escape

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils.safestring import SafeString, mark_safe

from apps.documents.models import Article, Publication
from lawtext.doctrines import doctrine_clauses
from lawtext.numerals import ascii_int, cn_to_int, int_to_cn
from lawtext.provisions import (
    ProvisionRef,
    anchor,
    line_anchors,
    paragraphs_of,
    parse_provision_ref,
    provision_label,
)
from lawtext.shortnames import full_name_for
from lawtext.structure import heading_name
from lawtext.textnorm import title_spellings
from lawtext.versions import CHANGED, align_clauses, char_diff

from .models import (
    Citation,
    Clause,
    ContentVersion,
    IssuingBody,
    IssuingBodyAlias,
    Level,
    Regulation,
    Status,
)

PREVIEW_CHARS = 400  # of a cited clause, in its link's popover

REGULATION_SORTS = {
    "date": ("-promulgated_on", "title"),
    "date_asc": ("promulgated_on", "title"),
    "title": ("title",),
}


class ClauseNotFound(Exception):
    def __init__(self, regulation: Regulation, wanted: str, nearest: list[Clause]):
        super().__init__(wanted)
        self.regulation, self.wanted, self.nearest = regulation, wanted, nearest


def content_version_get() -> int:
    """The version of the content that cached pages are keyed by."""
    return ContentVersion.objects.filter(pk=1).values_list("counter", flat=True).first() or 0


def regulation_queryset() -> QuerySet[Regulation]:
    return Regulation.objects.prefetch_related(
        Prefetch("issuers", queryset=IssuingBody.objects.order_by("name")),
        Prefetch("approvers", queryset=IssuingBody.objects.order_by("name")),
    ).annotate(clause_count=Count("clauses", distinct=True))


def issuer_canonical_name(name: str) -> str:
    """The canonical name of a body named by an alias (全国人大常委会), or the name itself."""
    canonical = (
        IssuingBodyAlias.objects.filter(name=name).values_list("body__name", flat=True).first()
    )
    return canonical or name


def regulation_list(*, filters: dict, sort: str = "date") -> QuerySet[Regulation]:
    """Regulations matching the list filters (each optional): q, level, issuer (a canonical name
    or an alias), province, city, status, year, promulgated_after, promulgated_before,
    has_full_text."""
    queryset = regulation_queryset()
    if q := filters.get("q"):
        named = Q()
        for spelling in title_spellings(q):
            named |= (
                Q(title__icontains=spelling)
                | Q(short_title__icontains=spelling)
                | Q(doc_number__icontains=spelling)
            )
        if full_name := full_name_for(q):  # 电商法 → 电子商务法
            named |= Q(short_title=full_name)
        queryset = queryset.filter(named)
    if level := filters.get("level"):
        queryset = queryset.filter(level=level)
    if issuer := filters.get("issuer"):
        queryset = queryset.filter(issuers__name=issuer_canonical_name(issuer))
    if province := filters.get("province"):
        queryset = queryset.filter(province=province)
    if city := filters.get("city"):
        queryset = queryset.filter(city=city)
    if status := filters.get("status"):
        queryset = queryset.filter(status=status)
    if year := filters.get("year"):
        queryset = queryset.filter(promulgated_on__year=int(year))
    if after := filters.get("promulgated_after"):
        queryset = queryset.filter(promulgated_on__gte=after)
    if before := filters.get("promulgated_before"):
        queryset = queryset.filter(promulgated_on__lte=before)
    if filters.get("has_full_text") is not None:
        queryset = queryset.filter(has_full_text=filters["has_full_text"])
    return queryset.order_by(*REGULATION_SORTS.get(sort, REGULATION_SORTS["date"]))


def in_force_on(day: date) -> Q:
    """The versions in force on `day`, as a query (Regulation.status_on(day) == 现行有效)."""
    started = Q(in_force_from__isnull=True) | Q(in_force_from__lte=day)
    not_ended = Q(expires_on__gt=day) | Q(expires_on__isnull=True, superseded=False, repealed=False)
    return started & not_ended


def clause_list(*, filters: dict, as_of: date | None = None) -> QuerySet[Clause]:
    """Clauses across regulations, of the regulations the list filters leave (and, with
    `as_of`, only of the versions in force that day), in order of regulation and place."""
    regulations = regulation_list(filters=filters, sort="title")
    if as_of is not None:
        regulations = regulations.filter(in_force_on(as_of))
    return (
        Clause.objects.filter(regulation__in=regulations.values("pk"))
        .select_related("regulation")
        .order_by("regulation_id", "order")
    )


@dataclass
class FacetCount:
    value: str
    count: int


def regulation_facets(*, filters: dict) -> dict[str, list[FacetCount]]:
    """Counts per level, status, issuer, province, city and year for the regulations the other
    filters leave (cities only within a chosen province, as the list shows them)."""
    facets = {}
    for name in ("level", "status", "issuer", "province", "city", "year"):
        others = {k: v for k, v in filters.items() if k != name}
        if name == "province":
            others.pop("city", None)
        base = Regulation.objects.filter(
            pk__in=regulation_list(filters=others, sort="title").values("pk")
        )
        if name == "issuer":
            rows = (
                IssuingBody.objects.filter(regulations__in=base)
                .values_list("name")
                .annotate(n=Count("regulations"))
                .order_by("-n", "name")
            )
        elif name == "year":
            rows = (
                base.exclude(promulgated_on=None)
                .values_list("promulgated_on__year")
                .annotate(n=Count("pk"))
                .order_by("-promulgated_on__year")
            )
        elif name in ("province", "city"):
            rows = (
                base.exclude(**{name: ""})
                .values_list(name)
                .annotate(n=Count("pk"))
                .order_by("-n", name)
            )
        else:
            rows = base.values_list(name).annotate(n=Count("pk")).order_by("-n", name)
        facets[name] = [FacetCount(str(value), n) for value, n in rows[:40]]
    return facets


def base_counts() -> dict[str, int]:
    return {
        "regulations": Regulation.objects.filter(has_full_text=True).count(),
        "catalogue": Regulation.objects.filter(has_full_text=False).count(),
        "clauses": Clause.objects.count(),
        "publications": Publication.objects.count(),
        "articles": Article.objects.count(),
        "issuers": IssuingBody.objects.count(),
    }


def level_counts() -> list[FacetCount]:
    rows = dict(Regulation.objects.values_list("level").annotate(n=Count("pk")))
    return [FacetCount(level, rows[level]) for level in Level.values if rows.get(level)]


# ---------------------------------------------------------------- one regulation


def regulation_get(*, slug: str) -> Regulation:
    return (
        regulation_queryset()
        .select_related("source_article__publication", "catalogue_publication", "work")
        .prefetch_related("sources")
        .get(slug=slug)
    )


@dataclass
class TocEntry:
    kind: str  # 编 / 章 / 节, or "" for clauses under no heading
    title: str
    first: Clause
    last: Clause
    children: list[TocEntry] = field(default_factory=list)
    clauses: list[Clause] = field(default_factory=list)  # clauses directly under this heading

    @property
    def range_label(self) -> str:
        if self.first.pk == self.last.pk:
            return self.first.label
        return f"{self.first.label}—{self.last.label}"


def regulation_toc(clauses: list[Clause]) -> list[TocEntry]:
    """编/章/节 headings in order with their clause ranges; every clause sits under one entry."""
    toc: list[TocEntry] = []
    part = chapter = section = loose = None
    for clause in clauses:
        if not clause.part:
            part = None
        elif part is None or part.title != clause.part:
            part = TocEntry("编", clause.part, clause, clause)
            toc.append(part)
            chapter = section = None
        if not clause.chapter:
            chapter = None
        elif chapter is None or chapter.title != clause.chapter:
            chapter = TocEntry("章", clause.chapter, clause, clause)
            (part.children if part else toc).append(chapter)
            section = None
        if not clause.section:
            section = None
        elif section is None or section.title != clause.section:
            section = TocEntry("节", clause.section, clause, clause)
            parent = chapter or part
            (parent.children if parent else toc).append(section)
        holder = section or chapter or part
        if holder is None:
            if loose is None or toc[-1] is not loose:
                loose = TocEntry("", "", clause, clause)
                toc.append(loose)
            holder = loose
        holder.clauses.append(clause)
        for entry in (part, chapter, section, holder):
            if entry is not None:
                entry.last = clause
    return toc


def regulation_clauses(*, regulation: Regulation, with_html: bool = False) -> list[Clause]:
    """The clauses in order; with_html adds `paragraphs_html` (citations linked) to each."""
    clauses = list(regulation.clauses.order_by("order"))
    by_clause: dict[int, list[Citation]] = {}
    if with_html:
        for citation in (
            Citation.objects.filter(clause__regulation=regulation)
            .select_related("target_regulation__work", "target_clause__regulation__work")
            .order_by("start")
        ):
            by_clause.setdefault(citation.clause_id, []).append(citation)
    for clause in clauses:
        clause.regulation = regulation  # no query per clause for its URL
        if with_html:
            clause.paragraphs_html = clause_paragraphs_html(
                clause=clause, citations=by_clause.get(clause.pk, [])
            )
    return clauses


def clause_number_from_key(key: str) -> tuple[int, str] | None:
    """'38', '10-1' (第十条之一), anything parse_clause_number reads (第38条, 三十八 …), or the
    clause of a 款/项 reference (第38条第2款, 38.2): parse_provision_ref reads them all but
    the URL form of 之X."""
    if ref := parse_provision_ref(key):
        return ref.number, ref.suffix
    number, dash, ordinal = key.partition("-")
    number, ordinal = ascii_int(number, max_digits=6), ascii_int(ordinal, max_digits=2)
    if dash and number is not None and ordinal:
        return number, f"之{int_to_cn(ordinal)}"
    return None


def clause_get(*, regulation: Regulation, key: str) -> Clause:
    """The clause a person asked for by number in any written form; ClauseNotFound otherwise."""
    wanted = clause_number_from_key(key)
    if wanted and (clause := _clause_numbered(wanted, regulation=regulation)):
        return clause
    number = wanted[0] if wanted else (cn_to_int(key) or 0)
    before = regulation.clauses.filter(number__lt=number).order_by("-order").first()
    after = regulation.clauses.filter(number__gt=number).order_by("order").first()
    raise ClauseNotFound(regulation, key, [c for c in (before, after) if c])


class ProvisionNotFound(Exception):
    """The clause exists but not the 款 or 项 asked for."""

    def __init__(self, clause: Clause, ref: ProvisionRef):
        paragraphs = paragraphs_of(clause.text)
        count = len(paragraphs)
        wanted = provision_label(ref.paragraph, ref.item)
        if ref.item and ref.paragraph <= count:
            items = len(paragraphs[ref.paragraph - 1].items)
            has = (
                f"{provision_label(ref.paragraph)}共{int_to_cn(items)}项"
                if items
                else (f"{provision_label(ref.paragraph)}没有分项")
            )
        else:
            has = f"共{int_to_cn(count)}款"
        super().__init__(f"{clause.label}{has}，没有{wanted}。")
        self.clause, self.ref = clause, ref


@dataclass
class ProvisionLine:
    """One line of a clause as its page shows it: a 款 or a 项, with its anchor and citation."""

    html: SafeString
    anchor: str
    citation: str


def provision_ref(*, key: str) -> ProvisionRef | None:
    """The 款/项 a clause address names (第38条第2款, 38.2), or None for a whole clause."""
    ref = parse_provision_ref(key)
    return ref if ref and ref.paragraph else None


def provision_check(*, clause: Clause, ref: ProvisionRef) -> str:
    """The anchor of the 款/项 on the clause page; ProvisionNotFound when the clause lacks it."""
    paragraphs = paragraphs_of(clause.text)
    if ref.paragraph > len(paragraphs):
        raise ProvisionNotFound(clause, ref)
    if ref.item and ref.item not in [n for n, _ in paragraphs[ref.paragraph - 1].items]:
        raise ProvisionNotFound(clause, ref)
    return anchor(ref.paragraph, ref.item)


def clause_lines(*, clause: Clause, citations: list[Citation]) -> list[ProvisionLine]:
    """The clause's lines with citation links, each with its 款/项 anchor and its citation in
    the customary form (《中华人民共和国电子商务法》第三十八条第二款)."""
    lines = clause_paragraphs_html(clause=clause, citations=citations)
    places = line_anchors(clause.text)
    return [
        ProvisionLine(html, anchor(*place), clause.citation_text + provision_label(*place))
        for html, place in zip(lines, places, strict=True)
    ]


def article_missing_message(*, title: str, number: int, suffix: str = "") -> str | None:
    """What to tell a person who asked for a clause a regulation does not have (电子商务法第999条:
    本法共八十九条), or None when it has it or no regulation has this title."""
    versions = [
        v
        for v in Regulation.objects.filter(_titled(title), has_full_text=True)
        if v.status in (Status.IN_FORCE, Status.NOT_YET_EFFECTIVE) or v.work_id is None
    ]
    if (
        not versions
        or Clause.objects.filter(regulation__in=versions, number=number, suffix=suffix).exists()
    ):
        return None
    regulation = versions[0]
    last = regulation.clauses.order_by("-number").values_list("number", flat=True).first()
    wanted = f"第{int_to_cn(number)}条{suffix}"
    if last is None:
        return f"《{regulation.title}》没有条文全文，无法找到{wanted}。"
    return f"《{regulation.title}》共{int_to_cn(last)}条，没有{wanted}。"


def regulations_titled(*, name: str) -> QuerySet[Regulation]:
    """The versions of the regulation whose title is exactly `name` (with or without
    中华人民共和国, or its short title): the version in force first, then the newest. Unlike a
    title that merely contains it (刑法修正案, 著作权法实施条例)."""
    return (
        Regulation.objects.filter(_titled(name))
        .annotate(in_force=Q(status=Status.IN_FORCE))
        .order_by("-in_force", F("promulgated_on").desc(nulls_last=True), "pk")
    )


def _titled(name: str, path: str = "") -> Q:
    """The regulations (at `path`, e.g. "regulation__") titled exactly `name`, with or without
    中华人民共和国, or with it as their short title."""
    name = name.strip().strip("《》")
    return (
        Q(**{f"{path}title": name})
        | Q(**{f"{path}title": "中华人民共和国" + name})
        | Q(**{f"{path}short_title": name})
    )


def clauses_numbered(*, name: str, number: int, suffix: str = "") -> list[int]:
    """Ids of the clause with this number in each version of the regulation titled `name`,
    in the order of regulations_titled."""
    versions = list(regulations_titled(name=name).values_list("pk", flat=True))
    found = dict(
        Clause.objects.filter(regulation__in=versions, number=number, suffix=suffix).values_list(
            "regulation_id", "pk"
        )
    )
    return [found[pk] for pk in versions if pk in found]


# Headings many laws share (法律责任, 附则, 一般规定) name no one subject: they open nothing here.
MAX_OPENED = 3
OPENERS_MAX_AGE = 60.0  # seconds an edited heading may wait before it is read again
_openers: dict = {"version": None, "read_at": 0.0, "by_name": {}}


def heading_openers(*, name: str) -> list[int]:
    """Ids of the clauses that open a 编, 章 or 节 named `name` (第二十八章 无因管理 → the first
    clause under it) in the versions in force, when at most MAX_OPENED headings have the name.

    Read once (a pass over the clauses in force, ~0.2 s) and kept in the process: a query asks
    for it on every search of one word. After an edit it is read again, at most once a minute —
    it only orders results, so a heading edited a minute ago may order them as before.
    """
    now = time.monotonic()
    if _openers["version"] is None or now - _openers["read_at"] > OPENERS_MAX_AGE:
        version = content_version_get()  # asked at most once a minute, not per query
        if version != _openers["version"]:
            _openers.update(by_name=_heading_openers_read(), version=version)
        _openers["read_at"] = now
    return _openers["by_name"].get(name, [])


def _heading_openers_read() -> dict[str, list[int]]:
    by_name: dict[str, list[int]] = {}
    seen = set()
    rows = (
        Clause.objects.filter(regulation__status=Status.IN_FORCE)
        .order_by("regulation_id", "order")
        .values_list("pk", "regulation_id", "part", "chapter", "section")
    )
    for pk, regulation_id, *headings in rows.iterator(chunk_size=5000):
        for heading in filter(None, headings):
            if (regulation_id, heading) not in seen:
                seen.add((regulation_id, heading))
                if name := heading_name(heading):
                    by_name.setdefault(name, []).append(pk)
    return {name: pks for name, pks in by_name.items() if len(pks) <= MAX_OPENED}


@dataclass(frozen=True)
class DoctrineMatch:
    """A doctrine name's clause in force, and the clauses of its other versions (its lineage)."""

    clause: Clause
    lineage_ids: list[int]


def doctrine_matches(*, term: str) -> list[DoctrineMatch]:
    """The clauses in force that a doctrine name customarily names (lawtext.doctrines), most
    customary first; a row whose regulation or clause is not in the base is left out."""
    found = []
    for row in doctrine_clauses(term):
        clause = (
            Clause.objects.select_related("regulation")
            .filter(
                _titled(row.title, "regulation__"),
                regulation__status=Status.IN_FORCE,
                number=row.number,
                suffix=row.suffix,
            )
            .first()
        )
        if clause is not None:
            ids = _lineage(clause).values_list("pk", flat=True)
            found.append(DoctrineMatch(clause, list(ids)))
    return found


def clause_find(*, regulation_slug: str, key: str) -> Clause | None:
    """The clause numbered `key` (38, 第38条, 三十八 …) in the regulation with this slug."""
    wanted = clause_number_from_key(key)
    return _clause_numbered(wanted, regulation__slug=regulation_slug) if wanted else None


def _clause_numbered(wanted: tuple[int, str], **regulation) -> Clause | None:
    """The clause with this (number, suffix) in the regulation the keyword names."""
    number, suffix = wanted
    return (
        Clause.objects.select_related("regulation__work")
        .filter(number=number, suffix=suffix, **regulation)
        .first()
    )


def clause_neighbours(*, clause: Clause) -> tuple[Clause | None, Clause | None]:
    siblings = Clause.objects.filter(regulation_id=clause.regulation_id).only(
        "number", "suffix", "label", "order", "regulation_id"
    )
    previous = siblings.filter(order__lt=clause.order).order_by("-order").first()
    following = siblings.filter(order__gt=clause.order).order_by("order").first()
    return previous, following


def clause_citations(*, clause: Clause) -> list[Citation]:
    return list(
        clause.citations.select_related(
            "target_regulation__work", "target_clause__regulation__work"
        ).order_by("start")
    )


def clause_cited_by(*, clause: Clause) -> list[Citation]:
    return list(
        Citation.objects.filter(target_clause=clause)
        .select_related("clause__regulation__work")
        .order_by("clause__regulation__title", "clause__order")
    )


@dataclass
class ClauseCitationLinks:
    """A clause with the citations it makes and those that cite it."""

    clause: Clause
    cites: list[Citation]
    cited_by: list[Citation]

    @property
    def counts(self) -> dict[str, int]:
        return {"cites": len(self.cites), "cited_by": len(self.cited_by)}


def clause_citation_links(*, clause: Clause) -> ClauseCitationLinks:
    return ClauseCitationLinks(
        clause, clause_citations(clause=clause), clause_cited_by(clause=clause)
    )


@dataclass
class CitationGraphEntry:
    """The citations between a regulation and one other (slug None: a title not in the base)."""

    slug: str | None
    title: str
    count: int  # citations
    clauses: int  # citing clauses


@dataclass
class CitationGraph:
    regulation: Regulation
    outgoing: list[CitationGraphEntry]
    incoming: list[CitationGraphEntry]
    internal: int  # citations of the regulation itself or its clauses, by its own clauses

    @property
    def counts(self) -> dict[str, int]:
        return {
            "outgoing": sum(e.count for e in self.outgoing),
            "incoming": sum(e.count for e in self.incoming),
            "internal": self.internal,
            "outgoing_regulations": sum(1 for e in self.outgoing if e.slug),
            "incoming_regulations": len(self.incoming),
        }


def regulation_citation_graph(*, regulation: Regulation) -> CitationGraph:
    """The regulations the regulation's clauses cite (and the titles of those not in the base)
    and the regulations whose clauses cite it or its clauses, with counts: aggregate queries,
    most citations first. Citations within the regulation are only counted (`internal`)."""
    made = Citation.objects.filter(clause__regulation=regulation)
    counts = {"count": Count("pk"), "clauses": Count("clause", distinct=True)}
    cited = (
        made.exclude(target_regulation=None)
        .exclude(target_regulation=regulation)
        .values_list("target_regulation__slug", "target_regulation__title")
        .annotate(**counts)
    )
    unresolved = made.filter(target_regulation=None).values_list("target_title").annotate(**counts)
    citing = (
        Citation.objects.filter(target_regulation=regulation)
        .exclude(clause__regulation=regulation)
        .values_list("clause__regulation__slug", "clause__regulation__title")
        .annotate(**counts)
    )
    return CitationGraph(
        regulation,
        outgoing=_graph_entries([*cited, *((None, *row) for row in unresolved)]),
        incoming=_graph_entries(citing),
        internal=made.filter(target_regulation=regulation).count(),
    )


def _graph_entries(rows) -> list[CitationGraphEntry]:
    entries = [CitationGraphEntry(*row) for row in rows]
    return sorted(entries, key=lambda e: (-e.count, e.title, e.slug or ""))


def citation_url(citation: Citation) -> str | None:
    if citation.target_clause_id:
        return citation.target_clause.get_absolute_url()
    if citation.target_regulation_id and citation.target_number is None:
        return citation.target_regulation.get_absolute_url()
    return None


def clause_paragraphs_html(*, clause: Clause, citations: list[Citation]) -> list[SafeString]:
    """The clause's paragraphs as escaped HTML with resolved citations turned into links."""
    text = clause.text
    links = [(c.start, c.end, citation_url(c), c) for c in citations]
    links = [link for link in links if link[2] and 0 <= link[0] < link[1] <= len(text)]
    pieces, cursor = [], 0
    for start, end, url, citation in sorted(links, key=lambda item: item[0]):
        if start < cursor:
            continue
        pieces.append(escape(text[cursor:start]))
        title = (
            citation.target_clause.citation_text
            if citation.target_clause_id
            else (citation.target_regulation.display_title)
        )
        # The cited clause's text travels with the link: a popover shows it (法条联想).
        preview = citation.target_clause.text[:PREVIEW_CHARS] if citation.target_clause_id else ""
        pieces.append(
            f'<a class="cite" href="{escape(url)}" title="{escape(title)}"'
            f' data-preview-title="{escape(title)}"'
            f' data-preview="{escape(preview).replace(chr(10), "&#10;")}">'
            f"{escape(text[start:end])}</a>"
        )
        cursor = end
    pieces.append(escape(text[cursor:]))
    return [mark_safe(p) for p in "".join(pieces).split("\n") if p.strip()]


def issuer_list() -> QuerySet[IssuingBody]:
    return IssuingBody.objects.annotate(regulation_count=Count("regulations")).order_by(
        "-regulation_count", "name"
    )


# ---------------------------------------------------------------- versions and time


class NoVersionOnDay(Exception):
    """No version of the work was in force on the day asked for."""

    def __init__(self, regulation: Regulation, day: date):
        super().__init__(
            f"{regulation.title} 在 {day.year}年{day.month}月{day.day}日 没有有效的版本。"
        )
        self.regulation, self.day = regulation, day


def regulation_versions(*, regulation: Regulation) -> list[Regulation]:
    """Every version of the regulation's work, oldest first (the regulation alone if it has
    no work)."""
    if regulation.work_id is None:
        return [regulation]
    return sorted(regulation.work.versions.select_related("work"), key=lambda v: v.version_order)


def current_version(versions: list[Regulation]) -> Regulation:
    """The version in force today, or else the latest (a repealed work's last text)."""
    in_force = [v for v in versions if v.status == Status.IN_FORCE]
    return in_force[-1] if in_force else versions[-1]


def version_in_force_on(*, regulation: Regulation, day: date) -> Regulation:
    """The version of the regulation's work in force on `day`; NoVersionOnDay when none was."""
    for version in regulation_versions(regulation=regulation):
        if version.status_on(day) == Status.IN_FORCE:
            return version
    raise NoVersionOnDay(regulation, day)


def clause_versions(*, clause: Clause) -> list[Clause]:
    """The same clause in every version that has it (matched by content across renumbering),
    in the order of the versions."""
    found = _lineage(clause).select_related("regulation__work")
    return sorted(found, key=lambda c: c.regulation.version_order)


def _lineage(clause: Clause) -> QuerySet[Clause]:
    """The clause in every version of its regulation: its lineage."""
    lineage = clause.lineage_id
    return Clause.objects.filter(Q(pk=lineage) | Q(lineage=lineage))


def clause_in_version(*, clause: Clause, version: Regulation) -> Clause | None:
    """This clause as it stands in another version of its regulation, if it is there."""
    if version.pk == clause.regulation_id:
        return clause
    return next((c for c in clause_versions(clause=clause) if c.regulation_id == version.pk), None)


@dataclass
class ComparedClause:
    """One row of a comparison: the old and new clause (None where absent), what changed, and
    for a changed clause the new text with insertions and deletions marked."""

    old: Clause | None
    new: Clause | None
    change: str
    diff: list[tuple[str, str]] | None = None  # lawtext.versions.char_diff (changed clauses)
    old_html: SafeString | None = None  # the old text, deletions marked (changed clauses)
    new_html: SafeString | None = None  # the new text, insertions marked (changed clauses)
    heading: str = ""  # the 编/章/节 that starts at this row, when one does

    @property
    def change_label(self) -> str:
        return CHANGE_LABELS[self.change]


CHANGE_LABELS = {
    "same": "未改动",
    "changed": "修改",
    "moved": "仅条号变动",
    "added": "新增",
    "removed": "删除",
}


class DifferentWorks(ValueError):
    """Two regulations that are not versions of one work cannot be compared."""


def regulations_compare(*, old: Regulation, new: Regulation) -> list[ComparedClause]:
    """The clause-by-clause comparison of two versions of one work (lawtext.versions)."""
    if old.pk != new.pk and (old.work_id is None or old.work_id != new.work_id):
        raise DifferentWorks(f"《{old.title}》与《{new.title}》不是同一法规的不同版本，无法对照。")
    old_clauses = list(old.clauses.order_by("order"))
    new_clauses = list(new.clauses.order_by("order"))
    pairs = align_clauses(
        [(c.label, c.text) for c in old_clauses], [(c.label, c.text) for c in new_clauses]
    )
    rows: list[ComparedClause] = []
    last_heading = None
    for pair in pairs:
        a = old_clauses[pair.old] if pair.old is not None else None
        b = new_clauses[pair.new] if pair.new is not None else None
        shown = b or a
        heading = " ".join(shown.breadcrumb)
        row = ComparedClause(old=a, new=b, change=pair.change)
        if heading != last_heading and heading and b is not None:
            row.heading, last_heading = heading, heading
        if pair.change == CHANGED:
            row.diff = pieces = char_diff(a.text, b.text)
            row.old_html = _marked_html(pieces, keep="-")
            row.new_html = _marked_html(pieces, keep="+")
        rows.append(row)
    return rows


def _marked_html(pieces: list[tuple[str, str]], *, keep: str) -> SafeString:
    """One side of a character diff as HTML: the common text, and the side's own pieces
    marked (<del> for the old side's deletions, <ins> for the new side's insertions)."""
    tag = "del" if keep == "-" else "ins"
    html = []
    for op, text in pieces:
        text = escape(text).replace("\n", "<br>")
        if op == "=":
            html.append(text)
        elif op == keep:
            html.append(f"<{tag}>{text}</{tag}>")
    return mark_safe("".join(html))
