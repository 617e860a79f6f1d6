"""Links that keep the page's query parameters."""

from django import template
from django.http import QueryDict

register = template.Library()


_NARROWER = {"province": ("city",)}


@register.simple_tag
def with_param(params: QueryDict, name: str, value) -> str:
    """'?…' with `name` set to `value` (None removes it) and the page reset."""
    updated = params.copy() if isinstance(params, QueryDict) else QueryDict(mutable=True)
    updated.pop("page", None)
    for narrower in _NARROWER.get(name, ()):  # a city belongs to the province it was chosen in
        updated.pop(narrower, None)
    if value is None:
        updated.pop(name, None)
    else:
        updated[name] = str(value)
    return f"?{updated.urlencode()}"


@register.simple_tag
def toggle_param(params: QueryDict, name: str, value) -> str:
    """'?…' with `value` added to the values of `name`, or taken out when it is there (several
    values of one facet are OR'ed), the page reset."""
    updated = params.copy() if isinstance(params, QueryDict) else QueryDict(mutable=True)
    updated.pop("page", None)
    values = updated.getlist(name)
    value = str(value)
    if value in values:
        values.remove(value)
        for narrower in _NARROWER.get(name, ()):
            updated.pop(narrower, None)
    else:
        values.append(value)
    updated.setlist(name, values)
    return f"?{updated.urlencode()}"


@register.filter
def is_chosen(value, chosen) -> bool:
    """Whether a facet value is among the chosen ones (a list, or one value)."""
    if isinstance(chosen, (list, tuple)):
        return str(value) in [str(c) for c in chosen]
    return str(value) == str(chosen) if chosen not in (None, "") else False
