"""Base API views shared by the apps."""

from rest_framework import permissions
from rest_framework.generics import GenericAPIView

from .api import updated_since


class PublicListView(GenericAPIView):
    """A public, read-only, paginated list: subclasses set `serializer_class` and `rows()`, and
    `change_kind` (the change log's name for its records) for `updated_since`."""

    permission_classes = [permissions.AllowAny]
    http_method_names = ["get", "head", "options"]

    def rows(self, request):
        raise NotImplementedError

    change_kind = ""

    def get(self, request):
        rows = self.rows(request)
        if self.change_kind:
            rows = updated_since(request, rows, kind=self.change_kind)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
