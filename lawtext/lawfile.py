"""One law file of the corpus (Markdown: title, header events, body) as a ParsedRegulation."""

from __future__ import annotations

import re
from pathlib import PurePath

from .header import read_header
from .metadata import find_doc_number
from .records import ParsedRegulation
from .structure import incompleteness, parse_structure
from .textnorm import clean_line, parse_date

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

    version = _VERSION_IN_NAME.search(PurePath(filename).name) if filename else None
    named_date = parse_date(version[1]) if version else None
    meta = read_header(  # issuers, approvers, level, 地区 and dates of this version
        events,
        title=title,
        folder=str(PurePath(filename).parent) if filename else "",
        version_date=named_date,
        final_text="\n".join(clause.text for clause in clauses[-5:]),
    )
    return ParsedRegulation(
        title=title,
        subtitle=titles[1] if len(titles) > 1 else "",
        clauses=clauses,
        doc_number=meta.doc_number or find_doc_number(" ".join(preamble[:3])),
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
        version_date=named_date or meta.promulgated_on,
        incomplete=incompleteness(text, clauses),
    )
