"""Raw lines of extracted text reassembled into paragraphs and headings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..textnorm import normalize_chars
from .lines import CLAUSE_START, clean, heading_like, is_note, standalone, unfinished


@dataclass
class Block:
    text: str
    heading: bool = False  # a title-like line (Markdown heading, bold line or short plain line)
    gap: bool = True  # a blank line (or the start) precedes it


def _join(left: str, right: str) -> str:
    """Rejoin a broken sentence: no space, except between two Latin letters/digits."""
    if left[-1:].isascii() and left[-1:].isalnum() and right[:1].isascii() and right[:1].isalnum():
        return f"{left} {right}"
    return left + right


def assemble(
    lines: list[str],
    *,
    cap: int = 40,
    width: int = 0,
    is_title: Callable[[str], bool] | None = None,
) -> list[Block]:
    """Raw lines → repaired paragraphs and headings.

    A paragraph that stops mid-sentence absorbs the following lines (across blank lines) until a
    sentence ends; headings, clause starts, table rows and Markdown structure interrupt it. In text
    hard-wrapped at `width`, a full line ending in ；：” also continues.
    """

    def open_end(text: str, last: str) -> bool:
        if unfinished(text):
            return True
        return bool(width) and len(last) >= width - 2 and text[-1] in "；：;:”’」』"

    blocks: list[Block] = []
    deferred: list[Block] = []
    pending: Block | None = None
    gap = True
    for line in lines:
        raw = normalize_chars(line).strip()
        if not raw:
            gap = True
            continue
        text = clean(raw)
        line_gap, gap = gap, False
        if not text:
            continue
        bold_line = raw.startswith("**") and raw.endswith("**") and raw.count("**") == 2
        explicit = raw.startswith("#") or bold_line
        if pending is not None and is_note(text):
            deferred.append(Block(text, gap=line_gap))  # a page's notes: after the paragraph
            continue
        if pending is not None:
            strong = explicit or raw.startswith(("**", "- ")) or standalone(text)
            if not strong and not CLAUSE_START.match(text):
                pending.text = _join(pending.text, text)
                if not open_end(pending.text, text):
                    blocks += [pending, *deferred]
                    pending, deferred = None, []
                continue
            blocks += [pending, *deferred]
            pending, deferred = None, []
        titled = is_title is not None and is_title(text) and len(text) <= 80
        if explicit or titled or heading_like(text, cap):
            blocks.append(Block(text, heading=True, gap=line_gap))
        elif standalone(text) or not open_end(text, text):
            blocks.append(Block(text, gap=line_gap))
        else:
            pending = Block(text, gap=line_gap)
    if pending is not None:
        blocks.append(pending)
    return blocks + deferred


def repair_text(lines: list[str]) -> list[str]:
    """Repair extracted text: paragraphs (lines, blank or not) in, repaired paragraphs out.

    Rejoins sentences broken by page breaks or line wraps (also across blank lines), makes digits
    and Latin letters half-width, removes stray spaces between digits and CJK ('2014 年' → '2014年',
    '第 654 号' → '第654号') and inside grouped numbers ('1 347' → '1347'), fixes 臵 → 置 and drops
    Markdown markup. Wording is never added or removed. A short line without any punctuation reads
    as a heading and stays on its own; foot-of-page notes that interrupt a sentence follow it.
    """
    return [block.text for block in assemble(lines)]
