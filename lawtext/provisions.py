"""The 款 and 项 of a clause, and references that name them (第38条第2款, 38.2).

A clause's text keeps one 款 per line; a line opening with （一）, （二） … is a 项 of the 款 before
it. Anchors on the clause page: `k2` for 第二款, `k2x3` for its 第三项.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .numerals import CN_NUMERAL_CHARS, ascii_int, cn_to_int, int_to_cn, parse_clause_number

__all__ = [
    "Paragraph",
    "ProvisionRef",
    "anchor",
    "line_anchors",
    "paragraphs_of",
    "parse_provision_ref",
    "provision_label",
    "split_provision",
]

_N = rf"\d+|[{CN_NUMERAL_CHARS}]+"
_ITEM_RE = re.compile(rf"^\s*[（(]({_N})[）)]")
# A 款 and/or 项 closing a reference (第38条第2款, 第80条第1款第（三）项, 第80条第三项).
_TAIL_RE = re.compile(rf"(?:第(?P<paragraph>{_N})款)?(?:第[（(]?(?P<item>{_N})[）)]?项)?$")
_DOTTED_RE = re.compile(
    r"^(?P<num>\d+)(?:-(?P<ordinal>\d+))?\.(?P<paragraph>\d+)(?:\.(?P<item>\d+))?$"
)
MAX_NUMBER = 100000


@dataclass(frozen=True)
class Paragraph:
    """One 款: its number, its own text, and its 项 as (number, text)."""

    number: int
    text: str
    items: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class ProvisionRef:
    """A clause, and optionally one of its 款 and that 款's 项 (numbers from 1)."""

    number: int
    suffix: str = ""
    paragraph: int | None = None
    item: int | None = None


def _number(raw: str | None) -> int | None:
    if not raw:
        return None
    number = ascii_int(raw, max_digits=6) if raw.isascii() else cn_to_int(raw)
    return number if number and 0 < number <= MAX_NUMBER else None


def paragraphs_of(text: str) -> list[Paragraph]:
    """The 款 of a clause's text, each with its 项."""
    paragraphs: list[Paragraph] = []
    for line in (line for line in text.split("\n") if line.strip()):
        match = _ITEM_RE.match(line)
        item = _number(match[1]) if match else None
        if item and paragraphs:
            last = paragraphs[-1]
            paragraphs[-1] = Paragraph(last.number, last.text, (*last.items, (item, line)))
        else:
            paragraphs.append(Paragraph(len(paragraphs) + 1, line))
    return paragraphs


def anchor(paragraph: int, item: int | None = None) -> str:
    """The fragment of a 款 (k2) or of one of its 项 (k2x3) on the clause page."""
    return f"k{paragraph}" + (f"x{item}" if item else "")


def line_anchors(text: str) -> list[tuple[int, int | None]]:
    """For each non-empty line of a clause's text, the (款, 项) it is (项 None for a 款's line)."""
    places: list[tuple[int, int | None]] = []
    for paragraph in paragraphs_of(text):
        places.append((paragraph.number, None))
        places += [(paragraph.number, item) for item, _ in paragraph.items]
    return places


def provision_label(paragraph: int | None, item: int | None = None) -> str:
    """第二款, 第二款第三项 ('' for the whole clause)."""
    if paragraph is None:
        return ""
    return f"第{int_to_cn(paragraph)}款" + (f"第{int_to_cn(item)}项" if item else "")


def split_provision(text: str) -> tuple[str, int | None, int | None] | None:
    """A reference without its closing 款/项, and their numbers: '第38条第2款第三项' →
    ('第38条', 2, 3); without them (text, None, None). 第38条第三项 is the first 款's, as
    lawyers write it. None when a 款 or 项 number is not one (第零款)."""
    tail = _TAIL_RE.search(text)
    if not tail[0]:
        return text, None, None
    paragraph, item = _number(tail["paragraph"]), _number(tail["item"])
    if (tail["paragraph"] and not paragraph) or (tail["item"] and not item):
        return None
    return text[: tail.start()], paragraph or (1 if item else None), item


def parse_provision_ref(text: str) -> ProvisionRef | None:
    """What a person types to reach a 款 or 项: 第38条第2款, 第三十八条第二款第三项, 38.2, 38.2.3,
    10-1.2 (第十条之一第二款); a clause alone (38, 第38条) too. None when it is none of these."""
    if not isinstance(text, str) or len(text) > 60:
        return None
    cleaned = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    dotted = _DOTTED_RE.match(cleaned)
    if dotted:
        number, ordinal = _number(dotted["num"]), _number(dotted["ordinal"])
        suffix = f"之{int_to_cn(ordinal)}" if ordinal else ""
        if dotted["ordinal"] and not ordinal:
            return None
        paragraph, item = _number(dotted["paragraph"]), _number(dotted["item"])
        if not paragraph or (dotted["item"] and not item):
            return None
    else:
        split = split_provision(cleaned)
        clause = parse_clause_number(split[0]) if split else None
        if clause is None:
            return None
        (number, suffix), (_, paragraph, item) = clause, split
    if not number:
        return None
    return ProvisionRef(number, suffix, paragraph, item)
