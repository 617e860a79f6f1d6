"""What the pages and the API do alike with validated query forms."""

from __future__ import annotations

from datetime import date

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.http import HttpRequest


class ManyValuesField(forms.Field):
    """Every value of a repeated parameter (?issuer=国务院&issuer=商务部), each cleaned by `field`:
    a filter keeps what matches any of them. Cleans to a list without repeats ([] when absent)."""

    widget = forms.MultipleHiddenInput  # reads every value, not the last

    def __init__(self, field: forms.Field, *, max_values: int = 20, **kwargs):
        super().__init__(required=False, **kwargs)
        self.field, self.max_values = field, max_values

    def clean(self, value) -> list:
        if isinstance(value, str):  # one value, from a plain dict rather than a QueryDict
            value = [value]
        # A blank value (' ') filters nothing, as an absent one: it is not an error.
        values = [v for v in (value or []) if v is not None and str(v).strip()]
        if len(values) > self.max_values:
            raise forms.ValidationError(f"同一筛选条件最多 {self.max_values} 个取值。")
        cleaned = []
        for item in values:
            item = self.field.clean(item)
            if item not in cleaned:
                cleaned.append(item)
        return cleaned


FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2100, 12, 31)  # of any date a range may name


def day_field(label: str) -> forms.DateField:
    """An optional end of a date range, YYYY-MM-DD, within FIRST_DAY … LAST_DAY."""
    return forms.DateField(
        required=False,
        input_formats=["%Y-%m-%d"],
        label=label,
        validators=[
            MinValueValidator(FIRST_DAY, f"日期不能早于 {FIRST_DAY:%Y-%m-%d}。"),
            MaxValueValidator(LAST_DAY, f"日期不能晚于 {LAST_DAY:%Y-%m-%d}。"),
        ],
        error_messages={"invalid": "日期应为 YYYY-MM-DD 格式，例如 2019-01-01。"},
    )


def check_day_ranges(form: forms.Form, *pairs: tuple[str, str]) -> None:
    """Add an error to the later field of each (after, before) pair whose ends are reversed."""
    for after, before in pairs:
        first, last = form.cleaned_data.get(after), form.cleaned_data.get(before)
        if first and last and first > last:
            label = form.fields[before].label
            form.add_error(before, f"{label}（{last:%Y-%m-%d}）早于起始日期（{first:%Y-%m-%d}）。")


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
    for name, chosen in filters.items():
        several = isinstance(chosen, list)
        for value in chosen if several else [chosen]:
            remaining = request.GET.copy()
            remaining.pop("page", None)
            if several:  # only this value goes
                remaining.setlist(name, [v for v in remaining.getlist(name) if v != str(value)])
            else:
                remaining.pop(name, None)
            text = (shown or {}).get(name, {}).get(value, value)
            chips.append(
                {"label": f"{form.fields[name].label}：{text}", "url": f"?{remaining.urlencode()}"}
            )
    return chips
