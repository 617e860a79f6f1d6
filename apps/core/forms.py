"""What the pages and the API do alike with validated query forms."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest


def form_errors(form: forms.Form) -> dict[str, list[str]]:
    """Each invalid field with its messages, as the page and the API show them."""
    return {field: [str(e) for e in errors] for field, errors in form.errors.items()}


def filter_chips(
    request: HttpRequest, form: forms.Form, filters: dict, *, shown: dict[str, dict] | None = None
) -> list[dict[str, str]]:
    """One chip per active filter: '标签：值' and the URL of the same page without it.

    `shown` maps a field's values to what its chip says instead ({"type": {"clause": "条文"}}).
    """
    chips = []
    for name, value in filters.items():
        remaining = request.GET.copy()
        remaining.pop(name, None)
        remaining.pop("page", None)
        text = (shown or {}).get(name, {}).get(value, value)
        chips.append(
            {"label": f"{form.fields[name].label}：{text}", "url": f"?{remaining.urlencode()}"}
        )
    return chips
