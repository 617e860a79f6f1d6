"""One law file of the corpus (Markdown: title, header events, body) as a ParsedRegulation."""

from __future__ import annotations

import re
from datetime import date
from pathlib import PurePath

from .metadata import derive_level, find_doc_number, find_effective_date, issuer_from_event
from .records import ParsedClause, ParsedRegulation
from .structure import parse_structure
from .textnorm import clean_line, find_dates, parse_date


def effective_date_from_clauses(clauses: list[ParsedClause]) -> date | None:
    """'本法自2019年1月1日起施行' in one of the last clauses (the usual 施行 clause)."""
    for clause in reversed(clauses[-5:]):
        effective = find_effective_date(clause.text)
        if effective:
            return effective
    return None


_EVENT_KIND_RE = re.compile(r"(通过|公布|发布|修正|修订|施行|实施)")


def _events_metadata(events: list[str]) -> tuple[date | None, date | None, str, list[str]]:
    """(promulgated, effective, doc_number, issuers) from the header event lines."""
    promulgated = effective = None
    doc_number = ""
    issuers: list[str] = []
    for event in events:
        dates = find_dates(event)
        kinds = _EVENT_KIND_RE.findall(event)
        if not dates:
            continue
        if kinds and kinds[-1] in ("施行", "实施") and len(kinds) == 1:
            effective = dates[-1]
            continue
        promulgated = dates[-1] if "根据" in event else dates[0]
        doc_number = find_doc_number(event) or doc_number
        issuer = issuer_from_event(event)
        if issuer and issuer not in issuers:
            issuers = [issuer]
    return promulgated, effective, doc_number, issuers


_VERSION_IN_NAME = re.compile(r"\((\d{4}-\d{2}-\d{2})\)")


def parse_law_markdown(text: str, *, filename: str = "") -> ParsedRegulation:
    """One law file: '# 标题', optional '# 副标题', event lines, '<!-- INFO END -->', body."""
    head, marker, body = text.partition("<!-- INFO END -->")
    if not marker:
        head, body = "", text
    head_lines = [clean_line(line) for line in head.splitlines()]
    titles = [line.lstrip("#").strip() for line in head_lines if line.startswith("#")]
    events = [line for line in head_lines if line and not line.startswith("#")]
    body_lines = body.splitlines()
    if not titles:
        # No header block: the first Markdown heading is the title.
        for index, line in enumerate(body_lines):
            if line.startswith("# "):
                titles = [clean_line(line[2:])]
                body_lines = body_lines[index + 1 :]
                break
    title = titles[0] if titles else ""
    preamble, clauses = parse_structure(body_lines)

    promulgated, effective, doc_number, issuers = _events_metadata(events)
    version = _VERSION_IN_NAME.search(PurePath(filename).name) if filename else None
    version_date = parse_date(version[1]) if version else promulgated
    category = PurePath(filename).parent.name if filename else ""
    return ParsedRegulation(
        title=title,
        subtitle=titles[1] if len(titles) > 1 else "",
        clauses=clauses,
        doc_number=doc_number or find_doc_number(" ".join(preamble[:3])),
        issuers=issuers,
        promulgated_on=version_date or promulgated,
        effective_on=effective or effective_date_from_clauses(clauses),
        level=derive_level(doc_number=doc_number, title=title, issuers=issuers, hint=category),
        events=events,
        preamble=preamble,
        version_date=version_date,
    )
