"""Site-wide error views."""

import sys

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

from apps.core.exceptions import json_error

DATABASE_DOWN = "数据库暂时不可用，请稍后再试。"


def server_error(request):
    """500, or 503 when the database cannot be reached (it comes back by itself: every request
    opens a fresh connection). JSON under /api/, a page elsewhere."""
    error = sys.exc_info()[1]
    unreachable = isinstance(error, (OperationalError, InterfaceError)) or (
        isinstance(error, DatabaseError) and "connection" in str(error).lower()
    )
    status, code, message = (
        (503, "database_unavailable", DATABASE_DOWN)
        if unreachable
        else (500, "server_error", "服务器出错了，请稍后再试。")
    )
    if request.path.startswith("/api/"):
        response = json_error(code, message, status=status)
    else:
        response = HttpResponse(render_to_string("500.html", {"message": message}), status=status)
    if unreachable:
        response["Retry-After"] = "5"
    return response
