"""The OpenAPI schema: public reads, the error shape, integer, text, date and paging parameters."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import serializers

from .pagination import MAX_PAGE


class ApiSchema(AutoSchema):
    """Reads are public: say so in the schema (an empty security requirement) for safe methods."""

    def get_auth(self):
        auth = super().get_auth()
        if self.method in ("GET", "HEAD", "OPTIONS") and {} not in auth:
            auth.append({})
        return auth


ERROR = inline_serializer(
    "Error",
    {
        "error": inline_serializer(
            "ErrorBody",
            {
                "code": serializers.CharField(),
                "message": serializers.CharField(),
                "fields": serializers.DictField(
                    child=serializers.ListField(child=serializers.CharField())
                ),
            },
        )
    },
)
READ_ERRORS = {400: ERROR, 404: ERROR, 429: ERROR}
WRITE_ERRORS = {400: ERROR, 401: ERROR, 403: ERROR, 404: ERROR, 429: ERROR}


def int_param(name: str, minimum: int, maximum: int, description: str = "") -> OpenApiParameter:
    """An integer query parameter with its range, as the schema states it."""
    return OpenApiParameter(
        name, {"type": "integer", "minimum": minimum, "maximum": maximum}, description=description
    )


# 1900-01-01 … 2100-12-31 (apps.core.forms.FIRST_DAY, LAST_DAY): the days a date range may name.
DAY_PATTERN = r"^(19\d\d|20\d\d|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"


def day_param(name: str, description: str = "") -> OpenApiParameter:
    """A YYYY-MM-DD query parameter, one end of a date range (a reversed range is a 400)."""
    return OpenApiParameter(
        name, {"type": "string", "format": "date", "pattern": DAY_PATTERN}, description=description
    )


def str_param(name: str, max_length: int, description: str = "") -> OpenApiParameter:
    """A text query parameter with its longest accepted value, as the schema states it."""
    return OpenApiParameter(
        name, {"type": "string", "maxLength": max_length}, description=description
    )


def many_param(
    name: str, item: dict, description: str = "", max_items: int = 20
) -> OpenApiParameter:
    """A query parameter that may repeat (?issuer=A&issuer=B): any of its values matches."""
    return OpenApiParameter(
        name,
        {"type": "array", "items": {"minLength": 1, **item}, "maxItems": max_items},
        style="form",
        explode=True,
        description=(
            description + "；可重复，任一取值即可" if description else "可重复，任一取值即可"
        ),
    )


PAGE_PARAMS = [int_param("page", 1, MAX_PAGE, "页码"), int_param("page_size", 1, 100, "每页条数")]

# An ISO 8601 time or day (apps.core.changes.moment_parse): a day of 1900–2100, a time of day,
# an offset.
MOMENT_PATTERN = (
    r"^(19\d\d|20\d\d|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])"
    r"([T ]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?"
    r"(Z|[+-](0\d|1[0-3]):?[0-5]\d|[+-]14:?00)?)?$"  # offsets as far as the world's: ±14:00
)
MOMENT = {"type": "string", "pattern": MOMENT_PATTERN}

# Lists a client keeps in sync: what changed since a time, and pages by cursor.
SYNC_PARAMS = [
    OpenApiParameter(
        "updated_since",
        MOMENT,
        description="ISO 8601 时间或日期（如 2026-12-01T00:00:00Z）：只列出此后新建或修改的记录",
    ),
    # The cursor itself is not a parameter a client writes: it is opaque, in the `next` links.
    OpenApiParameter(
        "pagination",
        str,
        enum=["page", "cursor"],
        description=(
            "cursor：按记录 id 顺序以游标分页，翻页时有写入也不漏、不重；"
            "下一页取应答中的 next 链接（其中的 cursor 不透明，勿自行构造），page 不起作用"
        ),
    ),
]
SYNC_NAMES = tuple(parameter.name for parameter in SYNC_PARAMS)
