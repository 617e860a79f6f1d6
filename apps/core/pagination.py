"""Page-number pagination whose bad `page`/`page_size` values answer in the API's error shape.

(A module of its own: DRF imports it from its settings while loading its generic views.)"""

from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination

from lawtext.numerals import ascii_int

from .exceptions import ApiError


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
