from django.shortcuts import render

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
    try:
        results = search_documents(query=data["q"], filters=form.filters(),
                                   page=data["page"] or 1, page_size=data["page_size"] or 20,
                                   sort=data["sort"] or "relevance")
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
        chips.append({"label": f"{form.fields[name].label}：{shown}",
                      "url": f"?{remaining.urlencode()}"})
    context.update(results=results, chips=chips, params=request.GET)
    return render(request, "search/search.html", context)
