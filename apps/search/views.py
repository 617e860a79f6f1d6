from django.shortcuts import redirect, render

from apps.core.export import ExportUnavailable, export_response
from apps.core.forms import filter_chips, form_errors
from apps.core.throttling import ExportThrottle, throttled_page
from apps.policies.selectors import clause_find

from .exports import search_export_document
from .forms import SearchForm
from .search_indexes import TYPE_LABELS
from .selectors import SearchError, search_documents
from .storage import SearchUnavailable

ADVANCED = (
    "scope",
    "promulgated_after",
    "promulgated_before",
    "effective_after",
    "effective_before",
)
ADVANCED_FACETS = ("level", "status", "issuer", "province")


def _advanced_context(request) -> dict:
    """The advanced-search panel: the parameters it sets (a facet with several values chosen
    stays with the facet list), and whether it opens already set."""
    single = [name for name in ADVANCED_FACETS if len(request.GET.getlist(name)) <= 1]
    return {
        "advanced_fields": {*ADVANCED, *single},
        "advanced_open": any(request.GET.get(name) for name in ADVANCED),
        "chosen_levels": request.GET.getlist("level"),
        "chosen_statuses": request.GET.getlist("status"),
    }


def _search_form(request):
    """The search form of the request and the page's context; a 400 page if it is invalid."""
    form = SearchForm(request.GET)
    context = {"form": form, "query": form.data.get("q", ""), **_advanced_context(request)}
    if not form.is_valid():
        context["errors"] = form_errors(form)
        return form, context, render(request, "search/search.html", context, status=400)
    return form, context, None


@throttled_page
def search_page(request):
    form, context, invalid = _search_form(request)
    if invalid:
        return invalid
    data = form.cleaned_data
    if data["regulation"] and data["q"]:
        # Searching a bare clause number (38, 第38条, 三十八) inside a regulation opens it.
        clause = clause_find(regulation_slug=data["regulation"], key=data["q"].strip())
        if clause:
            return redirect(clause.get_absolute_url())
    try:
        results = search_documents(**form.search_kwargs())
    except SearchError as error:
        context["errors"] = {"page": [str(error)]}
        return render(request, "search/search.html", context, status=400)
    except SearchUnavailable:
        return render(request, "search/unavailable.html", context, status=503)
    chips = filter_chips(request, form, results.filters, shown={"type": TYPE_LABELS})
    context.update(results=results, chips=chips, params=request.GET)
    return render(request, "search/search.html", context)


@throttled_page(also=(ExportThrottle,), charged=False)
def search_export(request, fmt):
    """The clauses of the search (its first 100) as Word or PDF."""
    form, context, invalid = _search_form(request)
    if invalid:
        return invalid
    url = request.build_absolute_uri(request.get_full_path())
    try:
        document = search_export_document(search_kwargs=form.search_kwargs(), url=url)
        return export_response(document, fmt)
    except SearchUnavailable:
        return render(request, "search/unavailable.html", context, status=503)
    except ExportUnavailable as error:
        context["errors"] = {"format": [str(error)]}
        return render(request, "search/search.html", context, status=503)
