"""The search parameters, validated once for the page and the API."""

from django import forms

from apps.core.forms import ManyValuesField, check_day_ranges, day_field
from apps.policies.forms import as_of_field
from apps.policies.models import Level, Status

from .search_indexes import TYPE_LABELS
from .selectors import SCOPE_FULL_TEXT, SCOPE_TITLE

SORT_CHOICES = [("relevance", "相关度"), ("date", "日期（新→旧）"), ("date_asc", "日期（旧→新）")]
MAX_PAGE = 1000
MAX_PAGE_SIZE = 100


class SearchForm(forms.Form):
    q = forms.CharField(required=False, strip=True, label="检索词")  # long input is truncated
    # Facets: a parameter may repeat (?issuer=国务院&issuer=商务部): any of its values, and
    # every facet.
    type = ManyValuesField(
        forms.ChoiceField(choices=list(TYPE_LABELS.items())), label="类型", max_values=3
    )
    issuer = ManyValuesField(forms.CharField(max_length=100), label="制定机关")
    province = ManyValuesField(forms.CharField(max_length=20), label="省（自治区、直辖市）")
    city = ManyValuesField(forms.CharField(max_length=20), label="市")
    level = ManyValuesField(forms.ChoiceField(choices=Level.choices), label="效力级别")
    status = ManyValuesField(forms.ChoiceField(choices=Status.choices), label="时效性")
    year = ManyValuesField(
        forms.RegexField(
            regex=r"^\d{4}$", error_messages={"invalid": "年份应为四位数字，例如 2018。"}
        ),
        label="年份",
    )
    regulation = forms.CharField(required=False, max_length=200, label="法规")
    publication = forms.CharField(required=False, max_length=300, label="出版物")
    sort = forms.ChoiceField(required=False, choices=SORT_CHOICES, label="排序")
    versions = forms.ChoiceField(
        required=False,
        choices=[("", "每部法规一条（现行有效版本优先）"), ("all", "所有版本")],
        label="版本",
    )
    as_of = as_of_field(required=False, label="在该日有效的版本")
    # The advanced search: where the words are looked for, and 公布/施行 date ranges.
    scope = forms.ChoiceField(
        required=False,
        choices=[("", "全文"), (SCOPE_FULL_TEXT, "全文"), (SCOPE_TITLE, "标题")],
        label="检索范围",
    )
    promulgated_after = day_field("公布日期不早于")
    promulgated_before = day_field("公布日期不晚于")
    effective_after = day_field("施行日期不早于")
    effective_before = day_field("施行日期不晚于")
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE, label="页码")
    page_size = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_PAGE_SIZE, label="每页条数"
    )

    FILTERS = (
        "type",
        "issuer",
        "level",
        "province",
        "city",
        "status",
        "year",
        "regulation",
        "publication",
    )

    def clean(self):
        check_day_ranges(
            self,
            ("promulgated_after", "promulgated_before"),
            ("effective_after", "effective_before"),
        )
        return super().clean()

    def filters(self) -> dict[str, str | list[str]]:
        """The filters given: a list of values for a facet, one value for the others."""
        return {name: self.cleaned_data[name] for name in self.FILTERS if self.cleaned_data[name]}

    def search_kwargs(self) -> dict:
        """Arguments for selectors.search_documents, defaults filled in."""
        data = self.cleaned_data
        return {
            "query": data["q"],
            "filters": self.filters(),
            "page": data["page"] or 1,
            "page_size": data["page_size"] or 20,
            "sort": data["sort"] or "relevance",
            "versions": data["versions"] or "latest",
            "as_of": data["as_of"],
            "search_in": data["scope"] or SCOPE_FULL_TEXT,
            "promulgated": (data["promulgated_after"], data["promulgated_before"]),
            "effective": (data["effective_after"], data["effective_before"]),
        }
