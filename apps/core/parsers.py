"""JSON request bodies within bounds: a size limit (Django's DATA_UPLOAD_MAX_MEMORY_SIZE, which
DRF's own JSON parser skips) and a nesting limit (a body 100,000 levels deep made the parser
recurse until it failed with a 500)."""

from __future__ import annotations

import json

from django.conf import settings
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser


class PayloadTooLarge(APIException):
    status_code = 413


MAX_JSON_DEPTH = 32  # far beyond any record of the API (a clause is two levels)
_OPENING, _CLOSING, _QUOTE, _ESCAPE = b"[{", b"]}", ord('"'), ord("\\")


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        body = stream.read(limit + 1) if stream is not None else b""
        if len(body) > limit:
            raise PayloadTooLarge(f"请求体过大：JSON 不能超过 {limit // 1024} KB。")
        if json_depth(body) > MAX_JSON_DEPTH:
            raise ParseError(f"JSON 嵌套过深：最多 {MAX_JSON_DEPTH} 层。")
        try:
            return json.loads(body.decode((parser_context or {}).get("encoding", "utf-8")))
        except (ValueError, UnicodeDecodeError) as error:
            raise ParseError(f"JSON 格式有误：{error}") from None


def json_depth(body: bytes) -> int:
    """The deepest nesting of arrays and objects in a JSON text, read once, without recursion
    (brackets inside strings do not count)."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == _ESCAPE:
                escaped = True
            elif byte == _QUOTE:
                in_string = False
        elif byte == _QUOTE:
            in_string = True
        elif byte in _OPENING:
            depth += 1
            deepest = max(deepest, depth)
        elif byte in _CLOSING:
            depth -= 1
    return deepest
