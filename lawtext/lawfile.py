"""One law file of the corpus (Markdown: title, header events, body) as a ParsedRegulation."""

from __future__ import annotations

import re
from datetime import date
from pathlib import PurePath

from .header import HeaderMetadata, read_header
from .metadata import find_doc_number, find_effective_date
from .records import ParsedClause, ParsedRegulation
from .structure import incompleteness, parse_structure
from .textnorm import clean_line, parse_date


def effective_date_from_clauses(clauses: list[ParsedClause]) -> date | None:
    """'本法自2019年1月1日起施行' in one of the last clauses (the usual 施行 clause)."""
    for clause in reversed(clauses[-5:]):
        effective = find_effective_date(clause.text)
        if effective:
            return effective
    return None


def _events_metadata(
    events: list[str], *, title: str, filename: str, clauses: list[ParsedClause]
) -> HeaderMetadata:
    """Issuers, approvers, level, 地区 and dates of this version (see lawtext.header)."""
    name = PurePath(filename).name if filename else ""
    version = _VERSION_IN_NAME.search(name)
    final_text = "\n".join(clause.text for clause in clauses[-5:])
    return read_header(
        events,
        title=title,
        folder=str(PurePath(filename).parent) if filename else "",
        version_date=parse_date(version[1]) if version else None,
        final_text=final_text,
    )


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

    meta = _events_metadata(events, title=title, filename=filename, clauses=clauses)
    version = _VERSION_IN_NAME.search(PurePath(filename).name) if filename else None
    version_date = parse_date(version[1]) if version else meta.promulgated_on
    doc_number = meta.doc_number
    return ParsedRegulation(
        title=title,
        subtitle=titles[1] if len(titles) > 1 else "",
        clauses=clauses,
        doc_number=doc_number or find_doc_number(" ".join(preamble[:3])),
        issuers=meta.issuers,
        approvers=meta.approvers,
        promulgated_on=meta.promulgated_on,
        effective_on=meta.effective_on,
        level=meta.level,
        province=meta.province,
        city=meta.city,
        problems=meta.problems,
        events=events,
        preamble=preamble,
        version_date=version_date,
        incomplete=incompleteness(text, clauses),
    )
