"""Highlighting, property-based: any text and terms give escaped HTML."""

from hypothesis import given, settings
from hypothesis import strategies as st

from apps.search.highlight import highlight

# Any text, and text dense with markup characters beside words that may match.
anything = st.one_of(st.text(max_size=300), st.text(alphabet="<>&\"'平台经营者 \n", max_size=80))


@settings(max_examples=300, deadline=None)
@given(anything, st.lists(anything, max_size=3))
def test_highlight_is_escaped_html(text, terms):
    html = highlight(text, terms)
    assert "<" not in html.replace("<mark>", "").replace("</mark>", "")
