"""Mark what matched in a snippet of the original text (pure; output is escaped HTML)."""

from __future__ import annotations

import re
from bisect import bisect_right
from html import escape
from itertools import islice

from .normalize import fold

SNIPPET_CHARS = 160
# Occurrences read per snippet: more than a snippet of SNIPPET_CHARS can show, while terms
# found 9,000 times in a long article no longer make every snippet of it walk 9,000 spans.
MAX_SPANS = 200


def _spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """Non-overlapping (start, end) of the terms in the text (the first MAX_SPANS), matched after
    folding both.

    Spaces inside the text are skipped as the index skips them, so '2014年' marks '2014 年'.
    """
    folded = fold(text)
    compact = folded.replace(" ", "")
    # Where the k-th space would stand in the compact text: a compact position maps back to the
    # original by adding the spaces before it (few, so found by bisection, not char by char).
    shifts = [m.start() - k for k, m in enumerate(re.finditer(" ", folded))]

    def original(position: int) -> int:
        return position + bisect_right(shifts, position)

    needles = sorted({t for t in (fold(t).replace(" ", "") for t in terms) if t}, key=len)
    if not needles:
        return []
    # One pass, leftmost first and, where several terms start, the longest (alternatives are
    # tried in order): 平台内经营者 is marked whole, not as 平台 and the rest.
    pattern = re.compile("|".join(map(re.escape, reversed(needles))))
    found = islice(pattern.finditer(compact), MAX_SPANS)
    if not shifts:  # no spaces: positions are the original's
        return [match.span() for match in found]
    return [(original(match.start()), original(match.end() - 1) + 1) for match in found]


def _densest(spans: list[tuple[int, int]], size: int) -> int:
    """The first span that starts the window of `size` characters holding the most spans."""
    best = best_count = 0
    last = 0
    for first, (start, _) in enumerate(spans):
        while last < len(spans) and spans[last][0] < start + size:
            last += 1
        if last - first > best_count:
            best, best_count = first, last - first
    return best


def highlight(text: str, terms: list[str], *, size: int = SNIPPET_CHARS) -> str:
    """An escaped snippet around the densest cluster of matches, matches wrapped in <mark>."""
    text = text.replace("\n", " ")
    spans = _spans(text, terms)
    if len(text) <= size:
        start, end = 0, len(text)
    elif spans:
        best = _densest(spans, size)
        start = max(0, spans[best][0] - size // 4)
        end = min(len(text), start + size)
        start = max(0, end - size)
    else:
        start, end = 0, size
    pieces = ["…" if start > 0 else ""]
    cursor = start
    for span_start, span_end in spans:
        if span_end <= start or span_start >= end:
            continue
        span_start, span_end = max(span_start, start), min(span_end, end)
        pieces.append(escape(text[cursor:span_start]))
        pieces.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        cursor = span_end
    pieces.append(escape(text[cursor:end]))
    pieces.append("…" if end < len(text) else "")
    return "".join(pieces)
