"""Mark what matched in a snippet of the original text (pure; output is escaped HTML)."""

from __future__ import annotations

from html import escape

from .normalize import fold

SNIPPET_CHARS = 160


def _spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """Non-overlapping (start, end) of every term in the text, matched after folding both.

    Spaces inside the text are skipped as the index skips them, so '2014年' marks '2014 年'.
    """
    folded = fold(text)
    kept = [i for i, ch in enumerate(folded) if ch != " "]
    compact = "".join(folded[i] for i in kept)
    spans = []
    for term in sorted(
        {t for t in (fold(t).replace(" ", "") for t in terms) if t}, key=len, reverse=True
    ):
        start = compact.find(term)
        while start != -1:
            spans.append((kept[start], kept[start + len(term) - 1] + 1))
            start = compact.find(term, start + len(term))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start < merged[-1][1]:
            continue
        merged.append((start, end))
    return merged


def highlight(text: str, terms: list[str], *, size: int = SNIPPET_CHARS) -> str:
    """An escaped snippet around the densest cluster of matches, matches wrapped in <mark>."""
    text = text.replace("\n", " ")
    spans = _spans(text, terms)
    if len(text) <= size:
        start, end = 0, len(text)
    elif spans:
        best = max(
            range(len(spans)), key=lambda i: sum(1 for s, _ in spans[i:] if s < spans[i][0] + size)
        )
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
