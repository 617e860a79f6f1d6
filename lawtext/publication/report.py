"""A report cut into articles by chapter, or by section in a chapter of many sections."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..records import (
    CatalogueEntry,
)
from ..textnorm import CJK
from .assembly import assemble
from .catalogue import parse_catalogue
from .lines import INNER_STOP, clean
from .newsletter import Draft

_CHAPTER_LABEL = re.compile(r"^\|?\s*(第\s*\d+\s*章)\s*\|?$")
_CHAPTER_INLINE = re.compile(r"^(第\d+章)\s+([^。，；：\t]{2,40})$")
_APPENDIX = re.compile(r"^附录\s*([A-Z])\s+([^\t]{2,40})$")
_SPLIT_CHAPTER_AT = 8  # a chapter with this many x.y sections (one per province) is split


@dataclass
class _Unit:
    kind: str  # chapter / appendix
    label: str  # 第8章, 附录 B
    title: str
    lines: list[str] = field(default_factory=list)


def is_report(lines: list[str]) -> bool:
    """A report has chapters: '| 第1章 |' or '第1章 标题' lines."""
    texts = (clean(line) for line in lines)
    return sum(1 for t in texts if _CHAPTER_LABEL.match(t) or _CHAPTER_INLINE.match(t)) >= 2


def _report_units(lines: list[str]) -> list[_Unit]:
    units: list[_Unit] = []
    awaiting_title = False
    for line in lines:
        text = clean(line)
        label = _CHAPTER_LABEL.match(text)
        inline = _CHAPTER_INLINE.match(text)
        appendix = _APPENDIX.match(text)
        if label:
            units.append(_Unit("chapter", re.sub(r"\s+", "", label[1]), ""))
            awaiting_title = True
        elif inline:
            units.append(_Unit("chapter", inline[1], inline[2].strip()))
        elif appendix:
            units.append(_Unit("appendix", text, appendix[2].strip()))
        elif awaiting_title and text:
            units[-1].title = text
            awaiting_title = False
        elif units:
            units[-1].lines.append(line)
        elif text:  # text before the first chapter
            units.append(_Unit("chapter", "", text))
    return units


def report_drafts(lines: list[str]) -> tuple[list[Draft], list[CatalogueEntry]]:
    """A report: one article per chapter, or per x.y section in a chapter of many sections."""
    drafts: list[Draft] = []
    catalogue: list[CatalogueEntry] = []
    for unit in _report_units(lines):
        if unit.kind == "appendix":
            rows = parse_catalogue(unit.lines)
            if rows:
                catalogue.extend(rows)
            else:
                drafts.append(Draft(unit.label, "", assemble(unit.lines)))
            continue
        column = f"{unit.label} {unit.title}".strip()
        number = re.sub(r"\D", "", unit.label)
        section_re = re.compile(rf"^{number}\.(\d+)\s*([{CJK}].{{0,30}})$") if number else None
        starts = [
            (i, match[2])
            for i, line in enumerate(unit.lines)
            if section_re
            and (match := section_re.match(clean(line)))
            and not INNER_STOP.search(match[2])
        ]
        if len(starts) < _SPLIT_CHAPTER_AT:
            drafts.append(Draft(unit.title, column, assemble(unit.lines)))
            continue
        intro = assemble(unit.lines[: starts[0][0]])
        if intro:
            drafts.append(Draft(unit.title, column, intro))
        for position, (start, name) in enumerate(starts):
            end = starts[position + 1][0] if position + 1 < len(starts) else len(unit.lines)
            drafts.append(Draft(name.strip(), column, assemble(unit.lines[start + 1 : end])))
    return drafts, catalogue
