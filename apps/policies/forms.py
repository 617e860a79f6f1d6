"""Parameters of the regulation list, validated once for the page and the API."""

from django import forms
from django.core.validators import RegexValidator

from apps.core.forms import check_day_ranges, day_field

from .models import Level, Status

SORT_CHOICES = [("date", "发布日期（新→旧）"), ("date_asc", "发布日期（旧→新）"), ("title", "标题")]


class BooleanChoiceField(forms.TypedChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            choices=[("", "全部"), ("true", "有全文"), ("false", "仅目录")],
            coerce=lambda value: value in ("true", "1", True),
            empty_value=None,
            **kwargs,
        )

    def to_python(self, value):
        return {"1": "true", "0": "false", "True": "true", "False": "false"}.get(value, value)


class RegulationFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label="标题、简称或文号")
    level = forms.ChoiceField(
        required=False, choices=[("", "全部")] + Level.choices, label="效力级别"
    )
    issuer = forms.CharField(required=False, max_length=100, label="制定机关")
    province = forms.CharField(required=False, max_length=20, label="省（自治区、直辖市）")
    city = forms.CharField(required=False, max_length=20, label="市")
    status = forms.ChoiceField(
        required=False, choices=[("", "全部")] + Status.choices, label="时效性"
    )
    year = forms.IntegerField(required=False, min_value=1949, max_value=2100, label="发布年份")
    promulgated_after = day_field("发布日期不早于")
    promulgated_before = day_field("发布日期不晚于")
    has_full_text = BooleanChoiceField(required=False, label="全文")
    sort = forms.ChoiceField(required=False, choices=SORT_CHOICES, label="排序")
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000, label="页码")
    page_size = forms.IntegerField(required=False, min_value=1, max_value=100, label="每页条数")

    FILTERS = (
        "q",
        "level",
        "issuer",
        "province",
        "city",
        "status",
        "year",
        "promulgated_after",
        "promulgated_before",
        "has_full_text",
    )

    def clean(self):
        check_day_ranges(self, ("promulgated_after", "promulgated_before"))
        return super().clean()

    def filters(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in self.FILTERS
            if self.cleaned_data.get(name) not in (None, "")
        }


class ClauseJumpForm(forms.Form):
    n = forms.CharField(
        max_length=40,
        label="跳转到条文",
        strip=True,
        validators=[RegexValidator(r"^[^/?#]+$", "条文编号有误：不能包含 / ? #。")],
    )


def as_of_field(*, required: bool, label: str) -> forms.DateField:
    """`as_of=YYYY-MM-DD`: the versions in force on that day (regulation, clause, search)."""
    return forms.DateField(
        required=required,
        input_formats=["%Y-%m-%d"],
        label=label,
        error_messages={
            "invalid": "as_of 应为 YYYY-MM-DD 格式的日期，例如 2020-01-01。",
            "required": "as_of 不能为空：请给出 YYYY-MM-DD 格式的日期。",
        },
    )


class AsOfForm(forms.Form):
    """The version in force on a day, for the regulation and clause pages and API."""

    as_of = as_of_field(required=True, label="日期")


class ClauseFilterForm(RegulationFilterForm):
    """The clauses of the regulations the list filters leave, optionally of the versions in
    force on a day (the API's clause list across regulations)."""

    as_of = as_of_field(required=False, label="施行有效之日")
