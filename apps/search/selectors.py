"""One search for the page and the API: parse, query the engine, hydrate, highlight, facet."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from datetime import date

from haystack import connections

from apps.documents.models import Article
from apps.policies.models import Clause, Regulation
from apps.policies.selectors import (
    ProvisionNotFound,
    article_missing_message,
    clauses_numbered,
    doctrine_matches,
    heading_openers,
    issuer_canonical_name,
    provision_check,
    regulations_titled,
)
from lawtext.metadata import could_be_title
from lawtext.shortnames import full_name_for

from .highlight import highlight
from .matching import Narrowing, VersionScope
from .query import parse_query
from .search_indexes import TYPE_ARTICLE, TYPE_CLAUSE, TYPE_LABELS, TYPE_REGULATION

FACETS = {
    "type": "content_type",
    "issuer": "issuer",
    "level": "level",
    "province": "province",
    "city": "city",
    "status": "status",
    "year": "year",
}
FILTER_FIELDS = FACETS | {"regulation": "regulation", "publication": "publication"}
SORTS = {"relevance": None, "date": ["-date"], "date_asc": ["date"]}
FACET_LIMIT = 30
MODE_ALL, MODE_PARTIAL = "all", "partial"
SCOPE_FULL_TEXT, SCOPE_TITLE = "fulltext", "title"
PARTIAL_NOTICE = "没有同时包含全部检索词的结果。以下是包含部分检索词的结果，包含的词越多越靠前。"
_ARTICLE_TEXT = re.compile(r"[第笫].+条")
NOTHING_TO_SEARCH = (
    "检索词中没有可检索的文字（只有 OR、括号或标点）。请输入要检索的词；检索框留空可浏览全部内容。"
)


class SearchError(ValueError):
    """Parameters that cannot be searched (a page past the end)."""


@dataclass
class SearchHit:
    type: str
    title: str
    url: str
    highlight: str
    date: object = None
    breadcrumb: list[str] = field(default_factory=list)
    versions: int = 1  # versions of the work that matched, shown as one hit
    regulation: Regulation | None = None
    clause: Clause | None = None
    article: Article | None = None

    @property
    def type_label(self) -> str:
        return TYPE_LABELS[self.type]


@dataclass
class FacetValue:
    value: str
    count: int

    @property
    def label(self) -> str:
        return TYPE_LABELS.get(self.value, self.value)


@dataclass
class SearchPage:
    query: str
    count: int
    page: int
    page_size: int
    results: list[SearchHit]
    facets: dict[str, list[FacetValue]]
    notices: list[str]
    filters: dict[str, str]
    mode: str = "all"  # all: every word is in each result; partial: some of the words

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.count / self.page_size))

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def _values(chosen) -> list:
    return chosen if isinstance(chosen, list) else [chosen]


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"')


def search_documents(
    *,
    query: str,
    filters: dict[str, str | list[str]] | None = None,
    page: int = 1,
    page_size: int = 20,
    sort: str = "relevance",
    versions: str = "latest",
    as_of: date | None = None,
    search_in: str = SCOPE_FULL_TEXT,
    promulgated: tuple[date | None, date | None] = (None, None),
    effective: tuple[date | None, date | None] = (None, None),
) -> SearchPage:
    """Clauses, regulations and articles matching `query` (the query language of query.py).

    An empty query matches everything, so facets can be browsed without typing. By default a
    clause or regulation found in several versions of its work is one hit, the version in
    force (else the latest); `versions="all"` shows every version; `as_of` searches only the
    versions in force on that day. `search_in="title"` looks for the words in regulation titles
    only; `promulgated` and `effective` are (first, last) days of 公布日期 and of the version's
    施行日期, either end open.
    """
    filters = {k: v for k, v in (filters or {}).items() if v}
    if "issuer" in filters:  # an alias (全国人大常委会) finds the body's canonical name
        filters["issuer"] = [issuer_canonical_name(name) for name in _values(filters["issuer"])]
    parsed = parse_query(query)
    backend = connections["default"].get_backend()
    # One narrow query per filter: any of its values (OR), every filter (AND).
    narrow_of = {
        name: " OR ".join(f'{FILTER_FIELDS[name]}:"{_escape(str(v))}"' for v in _values(values))
        for name, values in filters.items()
    }
    narrow = set(narrow_of.values())
    start = (page - 1) * page_size
    if parsed.is_empty and query.strip():
        # OR, ((, punctuation alone: nothing to look for is said, not answered with everything.
        parsed.notices.append(NOTHING_TO_SEARCH)
        return SearchPage(
            query, 0, page, page_size, [], {name: [] for name in FACETS}, parsed.notices, filters
        )
    scope = VersionScope(collapse=versions != "all", as_of=as_of.toordinal() if as_of else None)
    query_string = parsed.to_query_string() or "*"
    titles_only = search_in == SCOPE_TITLE
    narrowing = Narrowing(
        pinned=() if titles_only else _pins(parsed),
        meant=() if titles_only else _doctrine_words(parsed),
        defined=() if titles_only else _heading_openers(parsed),
        day_ranges=_day_ranges(date=promulgated, valid_from=effective),
        titles_only=titles_only,
    )

    def run(scope: VersionScope) -> dict:
        return backend.search(
            query_string,
            start_offset=start,
            end_offset=start + page_size,
            facets=list(FACETS.values()),
            narrow_queries=narrow,
            sort_by=SORTS.get(sort) or None,
            version_scope=scope,
            narrowing=narrowing,
        )

    raw, mode = run(scope), MODE_ALL
    if not raw["hits"] and len(parsed.must) > 1:
        # A lawyer's paraphrase: one word the clause does not hold must not leave nothing.
        scope = replace(scope, partial=True)
        raw, mode = run(scope), MODE_PARTIAL
        if raw["hits"]:
            parsed.notices.append(PARTIAL_NOTICE)
    if raw.get("skipped"):
        named = "、".join(f"「{term}」" for term in raw["skipped"])
        parsed.notices.append(f"检索用时超出限制：备选词{named}未检索，结果可能不全。")
    facet_fields = raw.get("facets", {}).get("fields", {})
    for name in FACETS.keys() & filters.keys():
        # A chosen facet counts its other values as if it were not chosen: they add to it.
        others = backend.search(
            query_string,
            end_offset=0,  # counts only
            facets=[FACETS[name]],
            narrow_queries=narrow - {narrow_of[name]},
            version_scope=scope,
            narrowing=narrowing,
        )
        facet_fields[FACETS[name]] = others["facets"]["fields"][FACETS[name]]
    count = raw["hits"]
    if parsed.article and parsed.article.name:
        parsed.notices += _reference_notices(parsed, count, narrowing.pinned)
    if count and start >= count:
        raise SearchError(f"第 {page} 页超出范围：共 {math.ceil(count / page_size)} 页。")
    terms = parsed.terms
    facets = {
        name: [FacetValue(str(value), n) for value, n in facet_fields.get(field_, [])][:FACET_LIMIT]
        for name, field_ in FACETS.items()
    }
    if "year" in facets:
        facets["year"].sort(key=lambda f: f.value, reverse=True)
    return SearchPage(
        query=query,
        count=count,
        page=page,
        page_size=page_size,
        results=_hydrate(raw["results"], terms, asked=parsed.article),
        facets=facets,
        notices=parsed.notices,
        filters=filters,
        mode=mode,
    )


def _reference_notices(parsed, count: int, pinned: tuple[str, ...]) -> list[str]:
    """What to say when a named reference cannot be followed: a regulation of that name that
    lacks the clause (本法共八十九条), a clause that lacks the 款 or 项, or a name nothing is
    titled with (an unknown abbreviation)."""
    article = parsed.article
    if pinned:  # the clause exists: does it have the 款/项 asked for?
        if not article.provision:
            return []
        clause = Clause.objects.select_related("regulation").get(pk=pinned[0].rsplit(".", 1)[1])
        try:
            provision_check(clause=clause, ref=article.provision)
        except ProvisionNotFound as missing:
            return [f"《{clause.regulation.title}》{missing}"]
        return []
    if count and query_has_words(parsed):
        return []
    missing = article_missing_message(
        title=article.title, number=article.number, suffix=article.suffix
    )
    if missing:
        return [missing]
    if not count:
        return [
            f"没有找到标题或简称为「{article.name}」的法规：请检查名称，或输入全称"
            f"（如「电子商务法第38条」）。"
        ]
    return []


def _day_ranges(**columns: tuple[date | None, date | None]) -> tuple[tuple[str, int, int], ...]:
    """(column, first, last day ordinal) of each range with an end given."""
    return tuple(
        (
            column,
            first.toordinal() if first else 1,
            last.toordinal() if last else date.max.toordinal(),
        )
        for column, (first, last) in columns.items()
        if first or last
    )


def _pins(parsed) -> tuple[str, ...]:
    """Index ids the query names exactly, to come first in this order: the clause of an article
    reference in the regulation titled so (电子商务法第38条: not 电子商务法实施条例's), a
    regulation named by its title or short name alone (网安法), the clauses of a doctrine name."""
    article = parsed.article
    if article and article.name:
        return _clause_ids(
            clauses_numbered(name=article.title, number=article.number, suffix=article.suffix)
        )
    term = _one_word(parsed)
    if term is None:
        return ()
    name = full_name_for(term) or term
    if could_be_title(name):
        regulations = regulations_titled(name=name).values_list("pk", flat=True)
        if name_pins := tuple(f"policies.regulation.{pk}" for pk in regulations):
            return name_pins
    return _doctrine_pins(parsed, term)


def _heading_openers(parsed) -> tuple[str, ...]:
    """A query of one word that names a 章 or 节 (代理, 诉讼时效): the clauses opening it."""
    term = _one_word(parsed)
    return _clause_ids(heading_openers(name=term)) if term else ()


def _one_word(parsed) -> str | None:
    """The query's word when it is one unquoted word (no alternatives), else None."""
    if len(parsed.must) != 1 or len(parsed.must[0]) != 1 or parsed.must[0][0].exact:
        return None
    return parsed.must[0][0].text


def _clause_ids(pks) -> tuple[str, ...]:
    """Index ids of clauses by primary key."""
    return tuple(f"policies.clause.{pk}" for pk in pks)


def _doctrine_words(parsed) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Among several words, each doctrine name (醉驾 in 醉驾 拘役) with the index ids of the
    clauses it names: they count as holding the word."""
    if len(parsed.must) < 2:
        return ()
    meant = []
    for term in (t for group in parsed.must for t in group if not t.exact):
        if found := doctrine_matches(term=term.text):
            meant.append((term.text, _clause_ids(pk for m in found for pk in m.lineage_ids)))
            parsed.notices.append(_doctrine_notice(term.text, found))
    return tuple(meant)


def _doctrine_notice(term: str, found) -> str:
    named = "、".join(f"《{m.clause.regulation.title}》{m.clause.label}" for m in found)
    return f"「{term}」通常指{named}。"


def _doctrine_pins(parsed, term: str) -> tuple[str, ...]:
    """The index ids of the clauses a doctrine name (情势变更) names, most customary first
    (every version of each), with a notice saying which they are."""
    found = doctrine_matches(term=term)
    if not found:
        return ()
    parsed.notices.append(_doctrine_notice(term, found).removesuffix("。") + "，排在最前。")
    return _clause_ids(pk for m in found for pk in m.lineage_ids)


def _provision_fragment(clause: Clause, asked) -> str:
    """'#k2' when the query named this clause's 第2款 (and the clause has it)."""
    named = asked and (asked.number, asked.suffix) == (clause.number, clause.suffix)
    if not named or not asked.provision:
        return ""
    try:
        return "#" + provision_check(clause=clause, ref=asked.provision)
    except ProvisionNotFound:
        return ""


def query_has_words(parsed) -> bool:
    """Words beside the article reference itself (电子商务法第38条 is one word)."""
    return any(not _ARTICLE_TEXT.search(t.text) for group in parsed.must for t in group)


def _hydrate(results, terms: list[str], *, asked=None) -> list[SearchHit]:
    """The hits as records; `asked` is the article reference of the query, if any."""
    ids: dict[str, list[int]] = {"clause": [], "regulation": [], "article": []}
    for result in results:
        ids.setdefault(result.model_name, []).append(int(result.pk))
    clauses = Clause.objects.select_related("regulation").in_bulk(ids["clause"])
    regulations = Regulation.objects.in_bulk(ids["regulation"])  # issuers are not shown
    articles = Article.objects.select_related("publication").in_bulk(ids["article"])
    hits = []
    for result in results:
        pk = int(result.pk)
        versions = getattr(result, "versions", 1)
        if result.model_name == "clause" and pk in clauses:
            clause = clauses[pk]
            regulation = clause.regulation
            hits.append(
                SearchHit(
                    type=TYPE_CLAUSE,
                    title=f"{regulation.title} {clause.label}",
                    url=clause.get_absolute_url() + _provision_fragment(clause, asked),
                    highlight=highlight(clause.text, terms),
                    date=regulation.promulgated_on,
                    regulation=regulation,
                    clause=clause,
                    versions=versions,
                    breadcrumb=[regulation.title, *clause.breadcrumb, clause.label],
                )
            )
        elif result.model_name == "regulation" and pk in regulations:
            regulation = regulations[pk]
            body = regulation.preamble or regulation.title
            hits.append(
                SearchHit(
                    type=TYPE_REGULATION,
                    title=regulation.title,
                    url=regulation.get_absolute_url(),
                    highlight=highlight(body, terms),
                    date=regulation.promulgated_on,
                    regulation=regulation,
                    versions=versions,
                    breadcrumb=[regulation.level, regulation.title],
                )
            )
        elif result.model_name == "article" and pk in articles:
            article = articles[pk]
            hits.append(
                SearchHit(
                    type=TYPE_ARTICLE,
                    title=article.title,
                    url=article.get_absolute_url(),
                    highlight=highlight(article.body, terms),
                    date=article.publication.published_on,
                    article=article,
                    breadcrumb=[str(article.publication), article.column or "", article.title],
                )
            )
    return hits
