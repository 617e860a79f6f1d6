"""Pieces every API view shares: parameter checks, conditional responses, file exports."""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.utils.http import http_date, parse_http_date_safe, quote_etag
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from .changes import changed_since, moment_parse
from .exceptions import ApiError, fields_message
from .export import (
    DEFAULT_FORMAT,
    FORMATS,
    ExportUnavailable,
    NotExportable,
    export_response,
    requested_format,
)
from .forms import form_errors
from .schema import ERROR, READ_ERRORS
from .throttling import AnonThrottle, ExportThrottle, UserThrottle


def reject_empty(request, *, allowed: tuple[str, ...] = ()) -> None:
    """An empty value ('?status=') is an error, except for free-text parameters."""
    empty = [
        name
        for name, values in request.query_params.lists()
        if "" in values and name not in allowed
    ]
    if empty:
        raise ApiError("参数不能为空：" + "、".join(empty), fields={n: ["不能为空"] for n in empty})


def updated_since(request, queryset, *, kind: str):
    """The list narrowed to records created or updated since `updated_since`, if given."""
    raw = request.query_params.get("updated_since")
    if raw is None:
        return queryset
    return changed_since(queryset, kind=kind, moment=moment_parse(raw, name="updated_since"))


def raise_for_form(form) -> None:
    """A form of query parameters that does not validate as a 400 with its field messages."""
    if not form.is_valid():
        fields = form_errors(form)
        raise ApiError(fields_message(fields), fields=fields)


def conditional_response(request, *, last_modified: datetime | None, build) -> Response:
    """ETag/Last-Modified on a detail response; 304 when the client's copy is current."""
    body = build()
    response = Response(body)
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


class JsonForErrors(BaseContentNegotiation):
    """For views that answer a file (an export) themselves: DRF's negotiation would turn
    `?format=pdf` or `Accept: application/pdf` into a 404/406 before the view runs; here the
    view reads them, and errors are JSON whatever was asked."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None


EXPORT_FORMAT = OpenApiParameter(
    "format",
    str,
    enum=list(FORMATS),
    default=DEFAULT_FORMAT,
    description="导出格式：docx（Word）或 pdf；也可不给此参数而以 Accept 头选择："
    + "、".join(FORMATS.values())
    + f"；都未指明时为 {DEFAULT_FORMAT}",
)
EXPORT_RESPONSES = {
    (200, FORMATS["docx"]): OpenApiTypes.BINARY,
    (200, FORMATS["pdf"]): OpenApiTypes.BINARY,
    **READ_ERRORS,
    503: ERROR,
}


class ExportView(APIView):
    """A document answered as a Word or PDF file (`format` or Accept); errors in the API's
    JSON shape. Exports are public reads, and count against a limit of their own besides the
    others."""

    permission_classes = [AllowAny]
    content_negotiation_class = JsonForErrors
    throttle_classes = [AnonThrottle, UserThrottle, ExportThrottle]
    http_method_names = ["get", "head", "options"]

    def export(self, request, build):
        """`build()` → ExportDocument, answered in the format asked."""
        fmt = requested_format(
            request.query_params.get("format"), request.headers.get("Accept", "")
        )
        if fmt is None:
            raise ApiError("format 应为 docx 或 pdf。", fields={"format": ["docx 或 pdf"]})
        try:
            return export_response(build(), fmt)
        except NotExportable as error:  # no text to export: nothing there (as schemathesis agrees)
            raise ApiError(str(error), status_code=404) from None
        except ExportUnavailable as error:
            raise ApiError(str(error), status_code=503) from None
