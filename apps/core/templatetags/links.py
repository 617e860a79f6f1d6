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
