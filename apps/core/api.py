"""Pieces every API view shares: pagination, parameter checks, conditional responses."""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.utils.http import http_date, parse_http_date_safe, quote_etag
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from lawtext.numerals import ascii_int

from .exceptions import ApiError, fields_message
from .forms import form_errors


def reject_empty(request, *, allowed: tuple[str, ...] = ()) -> None:
    """An empty value ('?status=') is an error, except for free-text parameters."""
    empty = [
        name for name, value in request.query_params.items() if value == "" and name not in allowed
    ]
    if empty:
        raise ApiError("参数不能为空：" + "、".join(empty), fields={n: ["不能为空"] for n in empty})


def raise_for_form(form) -> None:
    """A form of query parameters that does not validate as a 400 with its field messages."""
    if not form.is_valid():
        fields = form_errors(form)
        raise ApiError(fields_message(fields), fields=fields)


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
