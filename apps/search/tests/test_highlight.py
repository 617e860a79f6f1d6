"""Property-based tests: the pure parsers take any text without raising and stay well-formed."""

from hypothesis import given, settings
from hypothesis import strategies as st

from apps.search.highlight import highlight

LEGAL_ALPHABET = st.sampled_from(
    list("第条之一二三四五六七八九十百千零章节编（）、，。：；《》“”0123456789 \n\t\x00\u3000")
    + ["本法", "电子商务", "2014年8月7日", "#"]
)
legalish = st.lists(LEGAL_ALPHABET, max_size=120).map("".join)
anything = st.one_of(st.text(max_size=300), legalish)


@settings(max_examples=300, deadline=None)
@given(anything, st.lists(anything, max_size=3))
def test_highlight_is_escaped_html(text, terms):
    html = highlight(text, terms)
    assert "<" not in html.replace("<mark>", "").replace("</mark>", "")
