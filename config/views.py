"""Site-wide error views."""

import sys

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseNotFound
from django.template.loader import render_to_string
from django.urls import Resolver404

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


BAD_REQUEST = "请求无法处理：参数过多或格式有误。"


def bad_request(request, exception):
    """400 for requests Django refuses before any view (too many parameters, a bad host):
    the API's JSON error shape under /api/, a short page elsewhere."""
    if request.path.startswith("/api/"):
        return json_error("bad_request", BAD_REQUEST, status=400)
    return HttpResponse(render_to_string("400.html", {"message": BAD_REQUEST}), status=400)


def page_not_found(request, exception):
    """404 with the view's own message (没有这部法规。), never the URL resolver's internals."""
    message = "" if isinstance(exception, Resolver404) else str(exception)
    if request.path.startswith("/api/"):
        return json_error("not_found", message or f"没有这个接口：{request.path}", status=404)
    return HttpResponseNotFound(render_to_string("404.html", {"message": message}, request))
