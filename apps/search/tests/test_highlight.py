"""Highlighting, property-based: any text and terms give escaped HTML."""

from hypothesis import given, settings
from hypothesis import strategies as st

from apps.search.highlight import _densest, _spans, highlight
from apps.search.normalize import fold

# Any text, and text dense with markup characters beside words that may match.
anything = st.one_of(st.text(max_size=300), st.text(alphabet="<>&\"'平台经营者 \n", max_size=80))


@settings(max_examples=300, deadline=None)
@given(anything, st.lists(anything, max_size=3))
def test_highlight_is_escaped_html(text, terms):
    html = highlight(text, terms)
    assert "<" not in html.replace("<mark>", "").replace("</mark>", "")


def _spans_char_by_char(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """The plain definition: from left to right, the longest term starting at each position,
    every kept character mapped back."""
    folded = fold(text)
    kept = [i for i, ch in enumerate(folded) if ch != " "]
    compact = "".join(folded[i] for i in kept)
    needles = sorted({t for t in (fold(t).replace(" ", "") for t in terms) if t}, key=len)[::-1]
    spans, position = [], 0
    while position < len(compact):
        term = next((t for t in needles if compact.startswith(t, position)), None)
        if term is None:
            position += 1
            continue
        spans.append((kept[position], kept[position + len(term) - 1] + 1))
        position += len(term)
    return spans


spaced = st.text(alphabet="平台经营者 法 2014年", max_size=200)


@settings(max_examples=300, deadline=None)
@given(
    spaced, st.lists(st.text(alphabet="平台经营者 法2014年", min_size=1, max_size=4), max_size=3)
)
def test_spans_map_back_past_spaces_as_the_plain_definition_does(text, terms):
    assert _spans(text, terms) == _spans_char_by_char(text, terms)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 500), max_size=40), st.integers(1, 200))
def test_the_densest_window_is_the_first_with_the_most_spans(starts, size):
    spans = [(start, start + 1) for start in sorted(starts)]
    if not spans:
        return
    counts = [sum(1 for s, _ in spans[i:] if s < spans[i][0] + size) for i in range(len(spans))]
    assert _densest(spans, size) == counts.index(max(counts))
