from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from apps.core.exceptions import json_error
from apps.documents.api import ArticleListView, PublicationListView
from apps.policies.api.citations import ClauseCitationsView, RegulationCitationsView
from apps.policies.api.sync import ChangeFeedView, ClauseListAllView, CorpusExportView
from apps.policies.api.views import (
    ClauseDetailView,
    ClauseExportView,
    ClauseListView,
    IssuerListView,
    RegulationCompareView,
    RegulationDetailView,
    RegulationExportView,
    RegulationListView,
)
from apps.search.api import SearchExportView, SearchView

app_name = "api"
urlpatterns = [
    path("v1/regulations/", RegulationListView.as_view(), name="regulation-list"),
    path("v1/regulations/<str:slug>/", RegulationDetailView.as_view(), name="regulation-detail"),
    path(
        "v1/regulations/<str:slug>/compare/<str:other>/",
        RegulationCompareView.as_view(),
        name="regulation-compare",
    ),
    path(
        "v1/regulations/<str:slug>/export/",
        RegulationExportView.as_view(),
        name="regulation-export",
    ),
    path(
        "v1/regulations/<str:slug>/citations/",
        RegulationCitationsView.as_view(),
        name="regulation-citations",
    ),
    path("v1/regulations/<str:slug>/clauses/", ClauseListView.as_view(), name="clause-list"),
    path(
        "v1/regulations/<str:slug>/clauses/<str:number>/export/",
        ClauseExportView.as_view(),
        name="clause-export",
    ),
    path(
        "v1/regulations/<str:slug>/clauses/<str:number>/citations/",
        ClauseCitationsView.as_view(),
        name="clause-citations",
    ),
    path(
        "v1/regulations/<str:slug>/clauses/<str:number>/",
        ClauseDetailView.as_view(),
        name="clause-detail",
    ),
    path("v1/changes/", ChangeFeedView.as_view(), name="changes"),
    path("v1/clauses/", ClauseListAllView.as_view(), name="clause-all-list"),
    path("v1/export/", CorpusExportView.as_view(), name="corpus-export"),
    path("v1/publications/", PublicationListView.as_view(), name="publication-list"),
    path("v1/articles/", ArticleListView.as_view(), name="article-list"),
    path("v1/issuers/", IssuerListView.as_view(), name="issuer-list"),
    path("v1/search/", SearchView.as_view(), name="search"),
    path("v1/search/export/", SearchExportView.as_view(), name="search-export"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]


def api_not_found(request, rest=""):
    """Unknown API paths answer in the API's error shape, not with an HTML page."""
    return json_error("not_found", f"没有这个接口：{request.path}", status=404)


urlpatterns.append(re_path(r"^(?P<rest>.*)$", api_not_found, name="not-found"))
