"""Raw lines of extracted text reassembled into paragraphs and headings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..textnorm import normalize_chars
from .lines import (
    CLAUSE_START,
    clean,
    close_cjk_gaps,
    heading_like,
    page_furniture,
    standalone,
    unfinished,
)


@dataclass
class Block:
    text: str
    heading: bool = False  # a title-like line (Markdown heading, bold line or short plain line)
    gap: bool = True  # a blank line (or the start) precedes it


_CLOSING = set("》」』）)”’")


def _repeated_overlap(left: str, right: str) -> int:
    """How many characters `right` repeats of the end of `left`: a page break's fragment
    printed twice ('…的实施意见》' + '见》，协调…'). Only overlaps of 2–8 characters holding a
    closing mark count: a sentence does not say '见》见》', while '研究研究' may be meant."""
    for size in range(min(8, len(left), len(right)), 1, -1):
        tail = left[-size:]
        if right.startswith(tail) and _CLOSING.intersection(tail):
            return size
    return 0


def _continues(previous: Block, text: str) -> bool:
    """Does `text` go on from the unfinished `previous`, repeating its end across a page break?
    No paragraph begins with '见》，'."""
    return unfinished(previous.text) and _repeated_overlap(previous.text, text) > 0


def _join(left: str, right: str) -> str:
    """Rejoin a broken sentence: no space, except between two Latin letters/digits; a fragment
    repeated across the break is kept once."""
    right = right[_repeated_overlap(left, right) :]
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
        if pending is not None and page_furniture(text):
            deferred.append(Block(text, gap=line_gap))  # notes, captions: after the paragraph
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
        if pending is None and blocks and _continues(blocks[-1], text):
            previous = blocks.pop()  # a line taken for a heading, then continued after a break
            merged = Block(_join(previous.text, text), gap=previous.gap)
            if open_end(merged.text, text):
                pending = merged
            else:
                blocks.append(merged)
            continue
        titled = is_title is not None and is_title(text) and len(text) <= 80
        if explicit or titled or heading_like(text, cap):
            blocks.append(Block(text, heading=True, gap=line_gap))
        elif standalone(text) or not open_end(text, text):
            blocks.append(Block(text, gap=line_gap))
        else:
            pending = Block(text, gap=line_gap)
    if pending is not None:
        blocks.append(pending)
    for block in blocks:  # once rejoined: a sentence can span the lines it was cut into
        if not block.heading:
            block.text = close_cjk_gaps(block.text)
    return blocks + deferred


def repair_text(lines: list[str]) -> list[str]:
    """Repair extracted text: paragraphs (lines, blank or not) in, repaired paragraphs out.

    Rejoins sentences broken by page breaks or line wraps (also across blank lines), makes digits
    and Latin letters half-width, removes stray spaces between digits and CJK ('2014 年' → '2014年',
    '第 654 号' → '第654号'), between Chinese characters in a sentence ('分 析' → '分析') and
    inside grouped numbers ('1 347' → '1347'), fixes 臵 → 置 and drops
    Markdown markup. Wording is never added or removed, but for a fragment a page break printed
    twice ('…实施意见》' + '见》，协调…'), kept once. A short line without any punctuation reads
    as a heading and stays on its own; foot-of-page notes that interrupt a sentence follow it.
    """
    return [block.text for block in assemble(lines)]
