from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api import EXPORT_FORMAT, EXPORT_RESPONSES, ExportView, raise_for_form, reject_empty
from apps.core.exceptions import ApiError
from apps.core.schema import ERROR, READ_ERRORS, day_param, int_param, many_param
from apps.core.throttling import charged_by_time
from apps.policies.models import Level, Status

from .exports import search_export_document
from .forms import MAX_PAGE, MAX_PAGE_SIZE, SearchForm
from .search_indexes import TYPE_LABELS
from .selectors import SearchError, search_documents
from .storage import SearchUnavailable

DAY_RANGE_PARAMS = {
    "promulgated_after": "公布日期不早于该日",
    "promulgated_before": "公布日期不晚于该日",
    "effective_after": "（本版本）施行日期不早于该日",
    "effective_before": "（本版本）施行日期不晚于该日",
}


class FacetValueSerializer(serializers.Serializer):
    value = serializers.CharField()
    count = serializers.IntegerField()


class SearchRegulationSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    version_label = serializers.CharField(help_text="如 2023年修订")
    status = serializers.CharField()


class SearchResultSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=list(TYPE_LABELS))
    title = serializers.CharField()
    url = serializers.CharField()
    highlight = serializers.CharField(help_text="HTML; matches wrapped in <mark>")
    date = serializers.DateField(allow_null=True)
    breadcrumb = serializers.ListField(child=serializers.CharField())
    versions = serializers.IntegerField(
        help_text="包含检索词的版本数（默认每部法规只显示一个版本）"
    )
    regulation = SearchRegulationSerializer(required=False)
    number = serializers.IntegerField(source="clause.number", required=False)
    label = serializers.CharField(source="clause.label", required=False)
    text = serializers.CharField(source="clause.text", required=False)

    # A clause hit has all of these; a regulation hit only `regulation`; an article hit none.
    ONLY_WHEN_PRESENT = ("regulation", "number", "label", "text")

    def to_representation(self, hit):
        data = super().to_representation(hit)
        for name in self.ONLY_WHEN_PRESENT:
            if data.get(name) is None:
                data.pop(name, None)
        return data


class SearchFacetsSerializer(serializers.Serializer):
    type = FacetValueSerializer(many=True)
    issuer = FacetValueSerializer(many=True)
    level = FacetValueSerializer(many=True)
    province = FacetValueSerializer(many=True)
    city = FacetValueSerializer(many=True)
    status = FacetValueSerializer(many=True)
    year = FacetValueSerializer(many=True)


class SearchResponseSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    mode = serializers.ChoiceField(
        choices=["all", "partial"],
        help_text="all：每条结果包含全部检索词；partial：没有同时包含全部词的结果，以下为包含部分词的结果",
    )
    page = serializers.IntegerField()
    page_size = serializers.IntegerField()
    notices = serializers.ListField(child=serializers.CharField())
    results = SearchResultSerializer(many=True)
    facets = SearchFacetsSerializer()


SEARCH_PARAMS = [
    OpenApiParameter("q", str, description="检索词（语法同检索页）；为空时返回全部"),
    many_param("type", {"type": "string", "enum": list(TYPE_LABELS)}, max_items=3),
    many_param("issuer", {"type": "string", "maxLength": 100}, "制定机关全称或简称"),
    many_param("province", {"type": "string", "maxLength": 20}, "省（自治区、直辖市）"),
    many_param("city", {"type": "string", "maxLength": 20}, "市"),
    many_param("level", {"type": "string", "enum": [c[0] for c in Level.choices]}),
    many_param("status", {"type": "string", "enum": [c[0] for c in Status.choices]}),
    many_param("year", {"type": "string", "pattern": r"^\d{4}$"}),
    OpenApiParameter("regulation", str, description="法规标识（slug），在该法规内检索"),
    OpenApiParameter("publication", str),
    OpenApiParameter("sort", str, enum=["relevance", "date", "date_asc"]),
    OpenApiParameter(
        "versions",
        str,
        enum=["all"],
        description="all：列出每个版本的结果；缺省时每部法规一条（现行有效版本优先）",
    ),
    OpenApiParameter("as_of", OpenApiTypes.DATE, description="YYYY-MM-DD：只检索该日有效的版本"),
    OpenApiParameter(
        "scope",
        str,
        enum=["fulltext", "title"],
        description="检索范围。title：只在法规标题（含简称）中检索，结果为法规；"
        "fulltext（缺省）：全文",
    ),
    *[day_param(name, f"YYYY-MM-DD：{label}") for name, label in DAY_RANGE_PARAMS.items()],
    int_param("page", 1, MAX_PAGE, "页码"),
    int_param("page_size", 1, MAX_PAGE_SIZE),
]


# Built once and reused: DRF builds a serializer's fields anew for every instance (2 ms per
# answer); turning a page into JSON with a built one takes 1 ms. It keeps no state per answer.
_RESPONSE = SearchResponseSerializer()


class SearchView(APIView):
    permission_classes = [permissions.AllowAny]
    http_method_names = ["get", "head", "options"]

    @extend_schema(
        parameters=SEARCH_PARAMS,
        responses={200: SearchResponseSerializer, 503: ERROR, **READ_ERRORS},
    )
    def get(self, request):
        reject_empty(request, allowed=("q", "regulation", "publication"))
        form = SearchForm(request.query_params)
        raise_for_form(form)
        try:
            with charged_by_time(request):
                page = search_documents(**form.search_kwargs())
        except SearchError as error:
            raise ApiError(str(error), status_code=404, fields={"page": ["超出范围"]}) from None
        except SearchUnavailable:
            raise ApiError(
                "检索索引暂时不可用，请稍后再试；法规与条文接口不受影响。", status_code=503
            ) from None
        return Response(_RESPONSE.to_representation(page))


class SearchExportView(ExportView):
    @extend_schema(parameters=[EXPORT_FORMAT, *SEARCH_PARAMS], responses=EXPORT_RESPONSES)
    def get(self, request):
        """The clauses the search finds (the first 100, in its order) as Word or PDF."""
        reject_empty(request, allowed=("q", "regulation", "publication"))
        form = SearchForm(request.query_params)
        raise_for_form(form)
        url = request.build_absolute_uri(request.get_full_path())
        try:
            return self.export(
                request,
                lambda: search_export_document(search_kwargs=form.search_kwargs(), url=url),
            )
        except SearchUnavailable:
            raise ApiError("检索索引暂时不可用，请稍后再试。", status_code=503) from None
