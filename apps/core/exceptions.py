"""Errors and their one shape in the API: {"error": {"code", "message", "fields"}}."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse
from rest_framework import exceptions
from rest_framework.views import exception_handler

from .renderers import HtmlSafeJSONRenderer

CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    410: "gone",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "throttled",
    503: "unavailable",
}


class ApplicationError(Exception):
    """A write the services refuse (a clause number taken, dates in the wrong order): the
    caller's mistake, said in words a user understands, with the fields it concerns."""

    def __init__(self, message: str, *, fields: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class ApiError(exceptions.APIException):
    """An error with its own status and optional field messages."""

    def __init__(self, message: str, *, status_code: int = 400, fields: dict | None = None):
        super().__init__(message)
        self.status_code = status_code
        self.fields = fields or {}


def json_error(code: str, message: str, *, status: int) -> HttpResponse:
    """The API's error shape, for views outside DRF (unknown paths, server errors)."""
    body = {"error": {"code": code, "message": message, "fields": {}}}
    rendered = HtmlSafeJSONRenderer().render(body)
    return HttpResponse(rendered, status=status, content_type="application/json")


def fields_message(fields: dict[str, list[str]]) -> str:
    return "参数有误：" + "；".join(f"{k}: {' '.join(v)}" for k, v in fields.items())


def _as_drf(exc):
    """Django's and the services' errors as the DRF exceptions that carry their status."""
    if isinstance(exc, Http404):
        return exceptions.NotFound(str(exc) or "资源不存在。")
    if isinstance(exc, PermissionDenied):
        return exceptions.PermissionDenied()
    if isinstance(exc, ApplicationError):
        return ApiError(exc.message, fields=exc.fields)
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {}
        message = fields_message(fields) if fields else " ".join(exc.messages)
        return ApiError(message, fields=fields)
    return exc


def _message(exc, context) -> tuple[str, dict]:
    fields = getattr(exc, "fields", None) or {}
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        if isinstance(detail, dict):
            fields = {
                k: [str(m) for m in (v if isinstance(v, list) else [v])] for k, v in detail.items()
            }
            return fields_message(fields), fields
        return " ".join(str(m) for m in (detail if isinstance(detail, list) else [detail])), fields
    if isinstance(exc, exceptions.Throttled):
        return f"请求过于频繁，请在 {exc.wait or 1:.0f} 秒后重试。", fields
    if isinstance(exc, exceptions.NotAuthenticated):
        return "需要身份认证：请在请求头中提供 Authorization: Token <token>。", fields
    if isinstance(exc, exceptions.AuthenticationFailed):
        return "身份认证失败：令牌无效或已被撤销。", fields
    if isinstance(exc, exceptions.PermissionDenied):
        return "没有权限执行此操作。", fields
    if isinstance(exc, exceptions.MethodNotAllowed):
        return f"不支持 {context['request'].method} 方法。", fields
    return str(getattr(exc, "detail", exc)), fields


def api_exception_handler(exc, context):
    """Every error as {"error": {"code", "message", "fields"}} with the right status."""
    exc = _as_drf(exc)
    response = exception_handler(exc, context)
    if response is None:
        return None
    message, fields = _message(exc, context)
    response.data = {
        "error": {
            "code": CODES.get(response.status_code, "error"),
            "message": message,
            "fields": fields,
        }
    }
    return response
