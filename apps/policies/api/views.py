"""Thin API views over the same selectors and services as the pages."""

from django.contrib import admin
from django.contrib.admin.utils import get_deleted_objects
from django.db.models import Max
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from apps.core.api import (
    EXPORT_FORMAT,
    EXPORT_RESPONSES,
    ExportView,
    conditional_response,
    raise_for_form,
    reject_empty,
    updated_since,
)
from apps.core.exceptions import ApiError
from apps.core.schema import (
    PAGE_PARAMS,
    READ_ERRORS,
    SYNC_PARAMS,
    WRITE_ERRORS,
    day_param,
    int_param,
    str_param,
)
from apps.core.views import PublicListView

from .. import exports, selectors
from ..forms import AsOfForm, RegulationFilterForm
from ..models import Clause, Regulation
from ..services.clauses import clause_create, clause_delete, clause_update
from ..services.regulations import regulation_create, regulation_delete, regulation_update
from .serializers import (
    ClauseDetailSerializer,
    ClauseSerializer,
    ClauseWriteSerializer,
    CompareSerializer,
    RegulationDetailSerializer,
    RegulationSerializer,
    RegulationWriteSerializer,
)

ORDERING = {
    "promulgated_on": "date_asc",
    "-promulgated_on": "date",
    "title": "title",
    "date": "date",
    "date_asc": "date_asc",
}


LIST_PARAMS = [
    OpenApiParameter("q", str, description="标题、简称或文号包含的文字"),
    OpenApiParameter(
        "level", str, enum=[c[0] for c in RegulationFilterForm.base_fields["level"].choices if c[0]]
    ),
    str_param("issuer", 100, "制定机关全称或简称（如 全国人大常委会）"),
    str_param("province", 20, "省（自治区、直辖市），如 浙江省、上海市"),
    str_param("city", 20, "市，如 杭州市"),
    OpenApiParameter(
        "status",
        str,
        enum=[c[0] for c in RegulationFilterForm.base_fields["status"].choices if c[0]],
    ),
    int_param("year", 1949, 2100, "发布年份"),
    day_param("promulgated_after", "YYYY-MM-DD：发布日期不早于该日"),
    day_param("promulgated_before", "YYYY-MM-DD：发布日期不晚于该日"),
    OpenApiParameter("has_full_text", bool),
    OpenApiParameter("ordering", str, enum=sorted(ORDERING)),
    *PAGE_PARAMS,
    *SYNC_PARAMS,
]
CLAUSE_NUMBER = OpenApiParameter(
    "number",
    str,
    OpenApiParameter.PATH,
    description=(
        "38、第38条、第三十八条、三十八，或 10-1 表示第十条之一；"
        "某一款或某一项：38.2、38.2.3、第38条第2款、第三十八条第二款第三项"
    ),
)


AS_OF = OpenApiParameter(
    "as_of",
    OpenApiTypes.DATE,
    description="YYYY-MM-DD：返回该日施行有效的版本（该日没有有效版本时 404）",
)


def _as_of_version(request, regulation: Regulation) -> Regulation:
    """The version in force on the request's `as_of` day, or the regulation itself."""
    if "as_of" not in request.query_params:
        return regulation
    form = AsOfForm(request.query_params)
    raise_for_form(form)
    try:
        version = selectors.version_in_force_on(
            regulation=regulation, day=form.cleaned_data["as_of"]
        )
    except selectors.NoVersionOnDay as none:
        raise ApiError(str(none), status_code=404) from None
    return selectors.regulation_get(slug=version.slug)


def _versions_context(regulation: Regulation) -> dict:
    versions = selectors.regulation_versions(regulation=regulation)
    return {"versions": versions, "current_version": selectors.current_version(versions)}


def _regulation(slug: str) -> Regulation:
    try:
        return selectors.regulation_get(slug=slug)
    except Regulation.DoesNotExist:
        raise ApiError(f"没有标识为“{slug}”的法规。", status_code=404) from None


def _clause(regulation: Regulation, number: str) -> Clause:
    try:
        return selectors.clause_get(regulation=regulation, key=number)
    except selectors.ClauseNotFound as missing:
        nearest = "、".join(c.label for c in missing.nearest)
        raise ApiError(
            f"《{regulation.title}》中没有“{number}”。"
            + (f"最接近的条文：{nearest}。" if nearest else ""),
            status_code=404,
        ) from None


def _whole_clause(regulation: Regulation, number: str) -> Clause:
    """The clause a write names: a whole 条 (a 款 or 项 is written with its clause)."""
    if selectors.provision_ref(key=number):
        raise ApiError(
            f"只能整条修改或删除：“{number}”指向某一款或某一项，请使用该条的地址。",
            fields={"number": ["不能指向款或项"]},
        )
    return _clause(regulation, number)


class RegulationListView(GenericAPIView):
    queryset = Regulation.objects.all()
    serializer_class = RegulationSerializer

    @extend_schema(
        parameters=LIST_PARAMS, responses={200: RegulationSerializer(many=True), **READ_ERRORS}
    )
    def get(self, request):
        reject_empty(request, allowed=("q", "issuer", "province", "city"))
        data = request.query_params.copy()
        if "ordering" in data:
            if data["ordering"] not in ORDERING:
                raise ApiError(
                    "ordering 只能是：" + "、".join(sorted(ORDERING)),
                    fields={"ordering": ["无效取值"]},
                )
            data["sort"] = ORDERING[data.pop("ordering")[0]]
        form = RegulationFilterForm(data)
        raise_for_form(form)
        queryset = selectors.regulation_list(
            filters=form.filters(), sort=form.cleaned_data["sort"] or "date"
        )
        queryset = updated_since(request, queryset, kind="regulation")
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        request=RegulationWriteSerializer,
        responses={201: RegulationDetailSerializer, **WRITE_ERRORS},
    )
    def post(self, request):
        serializer = RegulationWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        regulation = regulation_create(**serializer.validated_data)
        regulation = selectors.regulation_get(slug=regulation.slug)
        # A new regulation has no clauses yet.
        context = {"request": request, "toc": [], **_versions_context(regulation)}
        return Response(
            RegulationDetailSerializer(regulation, context=context).data,
            status=status.HTTP_201_CREATED,
        )


class RegulationDetailView(GenericAPIView):
    queryset = Regulation.objects.all()
    serializer_class = RegulationDetailSerializer

    def _render(self, regulation):
        clauses = selectors.regulation_clauses(regulation=regulation)
        context = {
            "request": self.request,
            "toc": selectors.regulation_toc(clauses),
            **_versions_context(regulation),
        }
        return RegulationDetailSerializer(regulation, context=context).data

    @extend_schema(
        parameters=[AS_OF], responses={200: RegulationDetailSerializer, 304: None, **READ_ERRORS}
    )
    def get(self, request, slug):
        regulation = _as_of_version(request, _regulation(slug))
        latest = regulation.clauses.aggregate(latest=Max("updated_at"))["latest"]
        modified = max(filter(None, [regulation.updated_at, latest]))
        return conditional_response(
            request, last_modified=modified, build=lambda: self._render(regulation)
        )

    @extend_schema(
        request=RegulationWriteSerializer,
        responses={200: RegulationDetailSerializer, **WRITE_ERRORS},
    )
    def put(self, request, slug):
        return self._update(request, slug, partial=False)

    @extend_schema(
        request=RegulationWriteSerializer,
        responses={200: RegulationDetailSerializer, **WRITE_ERRORS},
    )
    def patch(self, request, slug):
        return self._update(request, slug, partial=True)

    def _update(self, request, slug, *, partial):
        regulation = _regulation(slug)
        serializer = RegulationWriteSerializer(regulation, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        regulation_update(regulation=regulation, **serializer.validated_data)
        return Response(self._render(selectors.regulation_get(slug=slug)))

    @extend_schema(responses={204: None, **WRITE_ERRORS})
    def delete(self, request, slug):
        regulation = _regulation(slug)
        _require_cascade_permissions(request, regulation)
        regulation_delete(regulation=regulation)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ClauseListView(GenericAPIView):
    queryset = Clause.objects.all()
    serializer_class = ClauseSerializer

    @extend_schema(
        parameters=[*PAGE_PARAMS, *SYNC_PARAMS],
        responses={200: ClauseSerializer(many=True), **READ_ERRORS},
    )
    def get(self, request, slug):
        regulation = _regulation(slug)
        clauses = regulation.clauses.select_related("regulation").order_by("order")
        clauses = updated_since(request, clauses, kind="clause")
        page = self.paginate_queryset(clauses)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        request=ClauseWriteSerializer, responses={201: ClauseDetailSerializer, **WRITE_ERRORS}
    )
    def post(self, request, slug):
        regulation = _regulation(slug)
        serializer = ClauseWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        clause = clause_create(regulation=regulation, **serializer.validated_data)
        return Response(_clause_data(request, clause), status=status.HTTP_201_CREATED)


def _clause_data(request, clause: Clause, provision=None) -> dict:
    context = {
        "request": request,
        "provision": provision,
        "citations": selectors.clause_citations(clause=clause),
        "cited_by": selectors.clause_cited_by(clause=clause),
    }
    return ClauseDetailSerializer(clause, context=context).data


class ClauseDetailView(GenericAPIView):
    queryset = Clause.objects.all()
    serializer_class = ClauseDetailSerializer

    @extend_schema(
        parameters=[CLAUSE_NUMBER, AS_OF],
        responses={200: ClauseDetailSerializer, 304: None, **READ_ERRORS},
    )
    def get(self, request, slug, number):
        regulation = _regulation(slug)
        clause = _clause(regulation, number)
        version = _as_of_version(request, regulation)
        if version.pk != regulation.pk:
            same = selectors.clause_in_version(clause=clause, version=version)
            if same is None:
                raise ApiError(
                    f"{version.cited_title}中没有与{clause.label}对应的条文。", status_code=404
                )
            clause = same
        provision = selectors.provision_ref(key=number)
        if provision is not None:
            try:
                selectors.provision_check(clause=clause, ref=provision)
            except selectors.ProvisionNotFound as missing:
                raise ApiError(str(missing), status_code=404) from None
        return conditional_response(
            request,
            last_modified=clause.updated_at,
            build=lambda: _clause_data(request, clause, provision),
        )

    @extend_schema(
        parameters=[CLAUSE_NUMBER],
        request=ClauseWriteSerializer,
        responses={200: ClauseDetailSerializer, **WRITE_ERRORS},
    )
    def put(self, request, slug, number):
        return self._update(request, slug, number, partial=False)

    @extend_schema(
        parameters=[CLAUSE_NUMBER],
        request=ClauseWriteSerializer,
        responses={200: ClauseDetailSerializer, **WRITE_ERRORS},
    )
    def patch(self, request, slug, number):
        return self._update(request, slug, number, partial=True)

    def _update(self, request, slug, number, *, partial):
        clause = _whole_clause(_regulation(slug), number)
        serializer = ClauseWriteSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        clause = clause_update(clause=clause, **serializer.validated_data)
        return Response(_clause_data(request, clause))

    @extend_schema(parameters=[CLAUSE_NUMBER], responses={204: None, **WRITE_ERRORS})
    def delete(self, request, slug, number):
        clause = _whole_clause(_regulation(slug), number)
        _require_cascade_permissions(request, clause)
        clause_delete(clause=clause)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _require_cascade_permissions(request, record) -> None:
    """A delete takes the records that depend on it along (a regulation its clauses): the API
    asks for the permissions the admin would ask for, and names those missing."""
    _, _, missing, _ = get_deleted_objects([record], request, admin.site)
    if missing:
        raise ApiError(
            f"没有删除权限：删除它会一并删除{'、'.join(sorted(missing))}，需要这些记录的删除权限。",
            status_code=403,
        )


class RegulationCompareView(GenericAPIView):
    queryset = Regulation.objects.all()
    serializer_class = CompareSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("other", str, OpenApiParameter.PATH, description="新版本的标识")
        ],
        responses={200: CompareSerializer, **READ_ERRORS},
    )
    def get(self, request, slug, other):
        """Two versions of one work, clause by clause (aligned by content, not number)."""
        old, new = _regulation(slug), _regulation(other)
        try:
            rows = selectors.regulations_compare(old=old, new=new)
        except selectors.DifferentWorks as different:
            raise ApiError(str(different), status_code=400) from None
        data = {"old": old, "new": new, "pairs": rows}
        return Response(CompareSerializer(data, context={"request": request}).data)


class IssuerSerializer(serializers.Serializer):
    name = serializers.CharField()
    regulation_count = serializers.IntegerField()


@extend_schema_view(
    get=extend_schema(
        parameters=[*PAGE_PARAMS, *SYNC_PARAMS],
        responses={200: IssuerSerializer(many=True), **READ_ERRORS},
    )
)
class IssuerListView(PublicListView):
    """Issuing bodies; with `updated_since`, those named by a regulation created or updated
    since (their count may have changed)."""

    serializer_class = IssuerSerializer

    def rows(self, request):
        issuers = selectors.issuer_list()
        if "updated_since" not in request.query_params:
            return issuers
        changed = updated_since(request, Regulation.objects.all(), kind="regulation")
        return issuers.filter(pk__in=changed.values("issuers"))


class RegulationExportView(ExportView):
    @extend_schema(parameters=[EXPORT_FORMAT, AS_OF], responses=EXPORT_RESPONSES)
    def get(self, request, slug):
        """The regulation (one version: this one, or the one in force on `as_of`) as Word or
        PDF in the official layout."""
        regulation = _as_of_version(request, _regulation(slug))
        url = request.build_absolute_uri(regulation.get_absolute_url())
        return self.export(
            request,
            lambda: exports.regulation_export_document(regulation=regulation, url=url),
        )


class ClauseExportView(ExportView):
    @extend_schema(parameters=[EXPORT_FORMAT], responses=EXPORT_RESPONSES)
    def get(self, request, slug, number):
        """One clause as Word or PDF."""
        regulation = _regulation(slug)
        clause = _clause(regulation, number)
        clause.regulation = regulation
        url = request.build_absolute_uri(clause.get_absolute_url())
        return self.export(request, lambda: exports.clause_export_document(clause=clause, url=url))
