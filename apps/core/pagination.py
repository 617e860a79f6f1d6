"""The lists' pagination: by page number, or (`pagination=cursor`) by a cursor in id order
that neither skips nor repeats a record while others are written. Bad values answer in the
API's error shape.

(A module of its own: DRF imports it from its settings while loading its generic views.)"""

from rest_framework import exceptions
from rest_framework.pagination import CursorPagination, PageNumberPagination

from lawtext.numerals import ascii_int

from .exceptions import ApiError

MAX_PAGE = 100_000  # the highest page number (the schema states it: apps.core.schema.PAGE_PARAMS)


class IdCursorPagination(CursorPagination):
    """Records in id order from an opaque `cursor`: one added later comes at the end, one
    deleted leaves no gap, so a client paging through while others write misses none."""

    ordering = ("pk",)
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except exceptions.NotFound:
            raise ApiError(
                "cursor 无效：请使用上一页应答中 next 链接里的 cursor。",
                fields={"cursor": ["无效的游标"]},
            ) from None


class Pagination(PageNumberPagination):
    """Page numbers, unless the client asks for `pagination=cursor` (or sends a `cursor`):
    then `page` has no part, the `next` links lead on."""

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

    cursor_pagination: IdCursorPagination | None = None

    def paginate_queryset(self, queryset, request, view=None):
        mode = request.query_params.get(
            "pagination", "cursor" if "cursor" in request.query_params else "page"
        )
        if mode not in ("page", "cursor"):
            raise ApiError(
                "pagination 只能是 page 或 cursor。", fields={"pagination": ["page 或 cursor"]}
            )
        page = ascii_int(request.query_params.get(self.page_query_param, "1"), max_digits=9)
        if not page or page > MAX_PAGE:  # checked in either mode, used only by page numbers
            raise ApiError(
                f"page 应为 1 到 {MAX_PAGE} 之间的整数。", fields={"page": ["应为正整数"]}
            )
        if mode == "cursor":
            self.get_page_size(request)  # the same checks of page_size
            self.cursor_pagination = IdCursorPagination()
            return self.cursor_pagination.paginate_queryset(queryset, request, view)
        try:
            return super().paginate_queryset(queryset, request, view)
        except exceptions.NotFound:
            raise ApiError(
                "页码超出范围。", status_code=404, fields={"page": ["超出范围"]}
            ) from None

    def get_paginated_response(self, data):
        if self.cursor_pagination is not None:
            return self.cursor_pagination.get_paginated_response(data)
        return super().get_paginated_response(data)

    def get_paginated_response_schema(self, schema):
        """Either shape: `count` only comes with page numbers."""
        paginated = super().get_paginated_response_schema(schema)
        paginated["required"] = ["results"]
        return paginated
