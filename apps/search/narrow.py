"""Haystack's narrow queries (field:"value" [OR field:"value" …]) read as filter groups, for
both search backends."""

from __future__ import annotations

import re

from django.utils.encoding import force_str
from haystack.constants import DJANGO_CT
from haystack.utils import get_model_ct

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
