"""A haystack search's arguments as both search backends read them: the query parsed, the
narrow queries (field:"value" [OR field:"value" …]) as filter groups, the sort, the versions."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.encoding import force_str
from haystack.constants import DJANGO_CT
from haystack.utils import get_model_ct

from .matching import ALL_VERSIONS, NOTHING_MORE, Narrowing, VersionScope
from .query import ParsedQuery, parse_query

# field:"value", or several joined by " OR " (any of them).
_NARROW_TERM_RE = re.compile(r'(?P<field>\w+):"(?P<value>(?:[^"\\]|\\.)*)"')


def narrow_filter(narrow_queries, models) -> tuple[tuple[tuple[str, str], ...], ...]:
    """Haystack's narrow queries (field:"value" [OR field:"value" …]) and models as groups of
    (field, value): any term of a group, every group."""
    groups = []
    for narrow in narrow_queries or ():
        text = force_str(narrow)
        terms = list(_NARROW_TERM_RE.finditer(text))
        if not terms or " OR ".join(t[0] for t in terms) != text:
            raise ValueError(f"unsupported narrow query: {narrow!r}")
        groups.append(tuple((t["field"], t["value"].replace('\\"', '"')) for t in terms))
    if models:
        groups.append(tuple((DJANGO_CT, get_model_ct(m)) for m in models))
    return tuple(sorted(groups))


@dataclass(frozen=True)
class SearchArguments:
    parsed: ParsedQuery
    filters: tuple
    end_offset: int
    sortedby: str | None
    reverse: bool
    scope: VersionScope
    narrowing: Narrowing


def search_arguments(
    query_string, sort_by, start_offset, end_offset, narrow_queries, models, options: dict
) -> SearchArguments:
    """What backend.search(…) is asked, read once for either backend (`options`: its
    keyword arguments beyond haystack's, version_scope and narrowing)."""
    return SearchArguments(
        parsed=parse_query(force_str(query_string or "").replace("*", " ")),
        filters=narrow_filter(narrow_queries, models),
        end_offset=end_offset if end_offset is not None else start_offset + 20,
        sortedby=sort_by[0].lstrip("-") if sort_by else None,
        reverse=bool(sort_by) and sort_by[0].startswith("-"),
        scope=options.get("version_scope", ALL_VERSIONS),
        narrowing=options.get("narrowing", NOTHING_MORE),
    )
