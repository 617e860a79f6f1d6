"""What OpenAPI cannot say about the query, for schemathesis (SCHEMATHESIS_HOOKS), so such cases
are not sent as "valid" requests; each is a 400 by design, tested in apps/*/tests:

- a date range whose ends are reversed (test_api.py);
- a time the pattern allows but the calendar does not (2026-02-30), a cursor past 2**63
  (test_sync_api.py).
"""

import re
from datetime import datetime

import schemathesis

RANGES = (
    ("promulgated_after", "promulgated_before"),
    ("effective_after", "effective_before"),
)


MOMENTS = ("since", "updated_since")
_CURSOR = re.compile(r"^(\d{1,9}\.)?(\d{1,19})\.(\d{1,19})$")


def _real_moment(value: str) -> bool:
    cursor = _CURSOR.match(value)
    if cursor:
        return max(int(cursor[2]), int(cursor[3])) < 2**63
    try:
        datetime.fromisoformat(value.replace(" ", "T"))
    except ValueError:
        return False
    return True


@schemathesis.hook
def filter_query(context, query) -> bool:
    if not query:
        return True
    if any(isinstance(query.get(name), str) and not _real_moment(query[name]) for name in MOMENTS):
        return False
    return not any(
        isinstance(query.get(after), str)
        and isinstance(query.get(before), str)
        and query[after] > query[before]
        for after, before in RANGES
    )
