"""Base API views shared by the apps."""

from rest_framework import permissions
from rest_framework.generics import GenericAPIView


class PublicListView(GenericAPIView):
    """A public, read-only, paginated list: subclasses set `serializer_class` and `rows()`."""

    permission_classes = [permissions.AllowAny]
    http_method_names = ["get", "head", "options"]

    def rows(self, request):
        raise NotImplementedError

    def get(self, request):
        page = self.paginate_queryset(self.rows(request))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
