"""Pieces every API view shares: one error shape, pagination, conditional requests."""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.utils.http import http_date, parse_http_date_safe, quote_etag
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler

from apps.policies.numerals import ascii_int

CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    415: "unsupported_media_type",
    429: "throttled",
    503: "unavailable",
}


# < > & only occur inside JSON strings, where their \u escapes mean the same: the answer echoes
# no markup even when an error message quotes the request, whatever a client takes it for.
_HTML_SAFE = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


class HtmlSafeJSONRenderer(JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        rendered = super().render(data, accepted_media_type, renderer_context)
        return rendered.decode().translate(_HTML_SAFE).encode()


def json_error(code: str, message: str, *, status: int) -> HttpResponse:
    """The API's error shape, for views outside DRF (unknown paths, server errors)."""
    body = {"error": {"code": code, "message": message, "fields": {}}}
    rendered = HtmlSafeJSONRenderer().render(body)
    return HttpResponse(rendered, status=status, content_type="application/json")


class ApiError(exceptions.APIException):
    """An error with its own status and optional field messages."""

    def __init__(self, message: str, *, status_code: int = 400, fields: dict | None = None):
        super().__init__(message)
        self.status_code = status_code
        self.fields = fields or {}


def api_exception_handler(exc, context):
    """Every error as {"error": {"code", "message", "fields"}} with the right status."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or "资源不存在。")
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    fields = getattr(exc, "fields", None) or {}
    message = ""
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        if isinstance(detail, dict):
            fields = {
                k: [str(m) for m in (v if isinstance(v, list) else [v])] for k, v in detail.items()
            }
            message = "参数有误：" + "；".join(f"{k}: {' '.join(v)}" for k, v in fields.items())
        else:
            message = " ".join(str(m) for m in (detail if isinstance(detail, list) else [detail]))
    elif isinstance(exc, exceptions.Throttled):
        message = f"请求过于频繁，请在 {exc.wait or 1:.0f} 秒后重试。"
    elif isinstance(exc, exceptions.NotAuthenticated):
        message = "需要身份认证：请在请求头中提供 Authorization: Token <token>。"
    elif isinstance(exc, exceptions.AuthenticationFailed):
        message = "身份认证失败：令牌无效或已被撤销。"
    elif isinstance(exc, exceptions.PermissionDenied):
        message = "没有权限执行此操作。"
    elif isinstance(exc, exceptions.MethodNotAllowed):
        message = f"不支持 {context['request'].method} 方法。"
    else:
        message = str(getattr(exc, "detail", exc))
    response.data = {
        "error": {
            "code": CODES.get(response.status_code, "error"),
            "message": message,
            "fields": fields,
        }
    }
    return response


def reject_empty(request, *, allowed: tuple[str, ...] = ()) -> None:
    """An empty value ('?status=') is an error, except for free-text parameters."""
    empty = [
        name for name, value in request.query_params.items() if value == "" and name not in allowed
    ]
    if empty:
        raise ApiError("参数不能为空：" + "、".join(empty), fields={n: ["不能为空"] for n in empty})


def raise_for_form(form) -> None:
    if not form.is_valid():
        fields = form.error_messages()
        raise ApiError(
            "参数有误：" + "；".join(f"{k}: {' '.join(v)}" for k, v in fields.items()),
            fields=fields,
        )


class Pagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        size = ascii_int(raw, max_digits=4)
        if size is None or not 1 <= size <= self.max_page_size:
            raise ApiError(
                f"page_size 应为 1 到 {self.max_page_size} 之间的整数。",
                fields={"page_size": ["超出范围"]},
            )
        return size

    def paginate_queryset(self, queryset, request, view=None):
        raw = request.query_params.get(self.page_query_param, "1")
        if not ascii_int(raw, max_digits=9):
            raise ApiError("page 应为正整数。", fields={"page": ["应为正整数"]})
        try:
            return super().paginate_queryset(queryset, request, view)
        except exceptions.NotFound:
            raise ApiError(
                "页码超出范围。", status_code=404, fields={"page": ["超出范围"]}
            ) from None


def conditional_response(request, *, last_modified: datetime | None, build) -> Response:
    """ETag/Last-Modified on a detail response; 304 when the client's copy is current."""
    body = build()
    response = Response(body)
    from rest_framework.renderers import JSONRenderer

    etag = quote_etag(hashlib.sha256(JSONRenderer().render(body)).hexdigest()[:32])
    response["ETag"] = etag
    if last_modified:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match:
        if etag in [tag.strip() for tag in if_none_match.split(",")] or if_none_match == "*":
            return _not_modified(response)
    elif last_modified and (
        since := parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    ):
        if int(last_modified.timestamp()) <= since:
            return _not_modified(response)
    return response


def _not_modified(response: Response) -> Response:
    not_modified = Response(status=status.HTTP_304_NOT_MODIFIED)
    for header in ("ETag", "Last-Modified"):
        if header in response:
            not_modified[header] = response[header]
    return not_modified
