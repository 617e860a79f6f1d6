"""The API for tools that keep their own copy of the base: the change feed and the NDJSON export."""

from __future__ import annotations

from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from apps.core.api import JsonForErrors, raise_for_form, reject_empty, updated_since
from apps.core.changes import (
    Cursor,
    changes_after,
    cursor_expired,
    cursor_latest,
    horizon,
    moment_parse,
    since_parse,
)
from apps.core.exceptions import ApiError
from apps.core.models import Change
from apps.core.schema import (
    ERROR,
    MOMENT,
    MOMENT_PATTERN,
    PAGE_PARAMS,
    READ_ERRORS,
    SYNC_NAMES,
    SYNC_PARAMS,
    int_param,
)
from apps.core.throttling import AnonThrottle, ExportThrottle, UserThrottle
from lawtext.numerals import ascii_int

from .. import selectors
from ..forms import ClauseFilterForm, RegulationFilterForm
from ..models import Clause, clause_key
from ..records import KINDS
from ..sync import corpus_lines, corpus_querysets
from .serializers import ClauseSerializer
from .views import AS_OF, LIST_PARAMS

# The regulation list's filters, as the clause list and the export take them.
REGULATION_FILTERS = [
    p for p in LIST_PARAMS if p.name not in ("ordering", "page", "page_size", *SYNC_NAMES)
]
NDJSON = "application/x-ndjson"
KIND_CHOICE = "|".join(KINDS)
FEED_LIMIT = 100
FEED_MAX_LIMIT = 1000

SINCE = OpenApiParameter(
    "since",
    {
        "type": "string",
        "pattern": r"^(?:(\d{1,9}\.)?\d{1,19}\.\d{1,19}|" + MOMENT_PATTERN[1:-1] + ")$",
    },
    description=(
        "上次应答中的 cursor（如 0.0.1234，精确：不漏、不重），或 ISO 8601 时间/日期"
        "（如 2026-12-01T00:00:00Z：从该时刻起记录的变更，仅供首次使用）；不给时从头开始"
    ),
)


def identity(change: Change) -> dict:
    """How the API names the record: its id, a regulation's slug, a clause's regulation and
    number (the URL form: 38, or 10-1 for 第十条之一)."""
    if change.kind == "regulation":
        return {"id": change.object_id, "slug": change.slug}
    if change.kind == "clause":
        key = clause_key(change.number or 0, change.suffix)
        return {"id": change.object_id, "regulation": change.slug, "number": key}
    return {"id": change.object_id}


def change_entries(changes: list[Change], cursor: Cursor, *, with_records: bool) -> list[dict]:
    """The feed's entries; with the current record of each created or updated one (null when
    it has been deleted since: its tombstone follows)."""
    records: dict[str, dict[int, dict]] = {}
    if with_records:
        for kind, (_, read) in KINDS.items():
            ids = {c.object_id for c in changes if c.kind == kind and c.action != "deleted"}
            records[kind] = read(ids) if ids else {}
    entries = []
    for change in changes:
        entry = {
            "cursor": str(cursor.after(change)),
            "type": change.kind,
            "action": change.action,
            "at": change.at.isoformat(),
            **identity(change),
        }
        if with_records:
            entry["record"] = records[change.kind].get(change.object_id)
        entries.append(entry)
    return entries


class ChangeFeedView(APIView):
    """What changed since a cursor, in commit order."""

    permission_classes = [permissions.AllowAny]
    http_method_names = ["get", "head", "options"]

    @extend_schema(
        summary="变更流：自某游标或时刻以来新建、修改、删除的法规、条文、出版物、文章",
        description=(
            "按提交顺序返回变更；应答中的 cursor 作为下一次的 since，"
            "写入与读取同时进行时也不漏、不重。删除以墓碑记录保留 "
            "CHANGES_TOMBSTONE_DAYS 天（默认 90）；更早的游标可能错过删除，答 410，需从头重新同步。"
            "同一记录在保留期以前的多次变更只保留最后一次。"
        ),
        parameters=[
            SINCE,
            int_param("limit", 1, FEED_MAX_LIMIT, f"每次最多条数（默认 {FEED_LIMIT}）"),
            OpenApiParameter(
                "records", bool, description="是否附带每条新建/修改记录的当前内容（默认 true）"
            ),
        ],
        responses={
            200: inline_serializer(
                "ChangePage",
                {
                    "changes": serializers.ListField(child=serializers.DictField()),
                    "cursor": serializers.CharField(),
                    "more": serializers.BooleanField(),
                    "next": serializers.CharField(),
                },
            ),
            410: ERROR,
            **READ_ERRORS,
        },
    )
    def get(self, request):
        reject_empty(request)
        cursor, from_time = since_parse(request.query_params.get("since", "0.0.0"))
        limit_of_tombstones = horizon()
        if cursor_expired(cursor, limit_of_tombstones, from_time=from_time):
            raise ApiError(
                "该游标早于已清理的删除记录，可能错过了删除；请从头重新同步（不带 since）。",
                status_code=410,
                fields={"since": ["已过期"]},
            )
        limit = ascii_int(request.query_params.get("limit", str(FEED_LIMIT)), max_digits=4)
        if limit is None or not 1 <= limit <= FEED_MAX_LIMIT:
            raise ApiError(
                f"limit 应为 1 到 {FEED_MAX_LIMIT} 之间的整数。", fields={"limit": ["超出范围"]}
            )
        with_records = _flag(request, "records", default=True)
        changes = changes_after(cursor, limit=limit + 1)
        more = len(changes) > limit
        changes = changes[:limit]
        current = Cursor(cursor.txid, cursor.id, limit_of_tombstones.generation)
        after = current.after(changes[-1]) if changes else current
        query = {"since": str(after), "limit": limit}
        if not with_records:
            query["records"] = "false"
        return Response(
            {
                "changes": change_entries(changes, current, with_records=with_records),
                "cursor": str(after),
                "more": more,
                "next": reverse("api:changes", request=request)
                + "?"
                + "&".join(f"{k}={v}" for k, v in query.items()),
            }
        )


def _flag(request, name: str, *, default: bool) -> bool:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if raw.lower() in ("true", "1", "yes"):
        return True
    if raw.lower() in ("false", "0", "no"):
        return False
    raise ApiError(f"{name} 应为 true 或 false。", fields={name: ["应为 true 或 false"]})


class ClauseListAllView(GenericAPIView):
    """Clauses across regulations, with the regulation list's filters."""

    queryset = Clause.objects.all()
    serializer_class = ClauseSerializer
    permission_classes = [permissions.AllowAny]
    http_method_names = ["get", "head", "options"]

    @extend_schema(
        summary="全部条文（跨法规），可按法规的筛选条件、as_of 与 updated_since 筛选",
        parameters=[
            *REGULATION_FILTERS,
            AS_OF,
            *PAGE_PARAMS,
            *SYNC_PARAMS,
        ],
        responses={200: ClauseSerializer(many=True), **READ_ERRORS},
    )
    def get(self, request):
        reject_empty(request, allowed=("q", "issuer", "province", "city"))
        form = ClauseFilterForm(request.query_params)
        raise_for_form(form)
        clauses = selectors.clause_list(filters=form.filters(), as_of=form.cleaned_data["as_of"])
        clauses = updated_since(request, clauses, kind="clause")
        page = self.paginate_queryset(clauses)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class CorpusExportView(APIView):
    """The base, or the records of some kinds changed since a time, as NDJSON."""

    permission_classes = [permissions.AllowAny]
    content_negotiation_class = JsonForErrors
    throttle_classes = [AnonThrottle, UserThrottle, ExportThrottle]
    http_method_names = ["get", "head", "options"]

    @extend_schema(
        summary="批量导出：全部（或部分）记录，NDJSON 流式输出",
        description=(
            '每行一个 JSON 对象：{"type": publication|article|regulation|clause, …记录的全部字段}，'
            "与变更流中的 record 相同。应答头 X-Changes-Cursor 为导出开始时变更流的位置："
            "导入后以它为 since 继续同步，导出期间的写入不会遗漏。"
            "法规的筛选条件（level、province 等）限定导出的法规及其条文。"
        ),
        parameters=[
            OpenApiParameter("format", str, enum=["ndjson"], description="导出格式（ndjson）"),
            OpenApiParameter(
                "types",
                {"type": "string", "pattern": f"^({KIND_CHOICE})(,({KIND_CHOICE}))*$"},
                description="逗号分隔的记录类型（默认全部）：" + ",".join(KINDS),
            ),
            OpenApiParameter(
                "since", MOMENT, description="ISO 8601 时间或日期：只导出此后新建或修改的记录"
            ),
            *REGULATION_FILTERS,
        ],
        responses={(200, NDJSON): OpenApiTypes.BINARY, **READ_ERRORS},
    )
    def get(self, request):
        reject_empty(request, allowed=("q", "issuer", "province", "city"))
        if request.query_params.get("format", "ndjson") != "ndjson":
            raise ApiError("format 只能是 ndjson。", fields={"format": ["ndjson"]})
        kinds = request.query_params.get("types", ",".join(KINDS)).split(",")
        if not all(kind in KINDS for kind in kinds):
            raise ApiError(
                "types 只能取 " + ",".join(KINDS) + "（逗号分隔）。", fields={"types": ["未知类型"]}
            )
        raw = request.query_params.get("since")
        since = moment_parse(raw, name="since") if raw is not None else None
        form = RegulationFilterForm(request.query_params)
        raise_for_form(form)
        cursor = cursor_latest()
        querysets = corpus_querysets(
            kinds=list(dict.fromkeys(kinds)), since=since, filters=form.filters()
        )
        response = StreamingHttpResponse(corpus_lines(querysets), content_type=NDJSON)
        response["X-Changes-Cursor"] = str(cursor)
        response["Content-Disposition"] = 'attachment; filename="corpus.ndjson"'
        return response
