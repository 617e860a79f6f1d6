"""The Atom feeds (apps.policies.feeds), included at the root: `path("", include(...))`.

The search feed gets the search from here: apps.policies may not import apps.search (the
layers in pyproject.toml), so this module, above both, wires them together.
"""

from django.urls import path

from apps.policies.feeds import RegulationChangesFeed, SearchResultsFeed, WorkChangesFeed
from apps.search.forms import SearchForm
from apps.search.selectors import FILTER_FIELDS, SearchError, search_documents
from apps.search.storage import SearchUnavailable

app_name = "feeds"
urlpatterns = [
    path("feeds/", RegulationChangesFeed(), name="feed_all"),
    path("regulations/<str:slug>/feed/", WorkChangesFeed(), name="feed_work"),
    path(
        "search/feed/",
        SearchResultsFeed(
            search=search_documents,
            form_class=SearchForm,
            filter_names=FILTER_FIELDS,
            errors={SearchError: 400, SearchUnavailable: 503},
        ),
        name="feed_search",
    ),
]
