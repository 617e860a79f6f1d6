from django.shortcuts import redirect, render

from apps.policies.models import Clause
from apps.policies.selectors import clause_number_from_key

from .backend import SearchUnavailable
from .forms import SearchForm
from .selectors import SearchError, search_documents


def search_page(request):
    form = SearchForm(request.GET)
    context = {"form": form, "query": form.data.get("q", "")}
    if not form.is_valid():
        context["errors"] = form.error_messages()
        return render(request, "search/search.html", context, status=400)
    data = form.cleaned_data
    jump = _clause_jump(data["q"], data["regulation"])
    if jump:
        return redirect(jump)
    try:
        results = search_documents(**form.search_kwargs())
    except SearchError as error:
        context["errors"] = {"page": [str(error)]}
        return render(request, "search/search.html", context, status=400)
    except SearchUnavailable:
        return render(request, "search/unavailable.html", context, status=503)
    chips = []
    for name, value in results.filters.items():
        remaining = request.GET.copy()
        remaining.pop(name, None)
        remaining.pop("page", None)
        shown = value
        if name == "type":
            shown = dict(form.fields["type"].choices).get(value, value)
        chips.append(
            {"label": f"{form.fields[name].label}：{shown}", "url": f"?{remaining.urlencode()}"}
        )
    context.update(results=results, chips=chips, params=request.GET)
    return render(request, "search/search.html", context)


def _clause_jump(query: str, regulation_slug: str) -> str | None:
    """Searching a bare clause number (38, 第38条, 三十八) inside a regulation opens that clause."""
    wanted = clause_number_from_key(query.strip()) if regulation_slug and query else None
    if not wanted:
        return None
    clause = (
        Clause.objects.select_related("regulation")
        .filter(regulation__slug=regulation_slug, number=wanted[0], suffix=wanted[1])
        .first()
    )
    return clause.get_absolute_url() if clause else None
