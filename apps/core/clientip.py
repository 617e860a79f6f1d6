"""The client's address, one reading for the API and page throttles, django-axes and the access
log: REMOTE_ADDR, unless NUM_PROXIES trusted reverse proxies stand in front of the site.

With NUM_PROXIES = 0 (the default) X-Forwarded-For is ignored: anyone can write it. With N
proxies, each appending the address it received from, the client is the N-th address from the
right of X-Forwarded-For (as Django REST framework reads it); a value that is not an address
falls back to REMOTE_ADDR. Plain Python: the gunicorn config uses it before Django is set up.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping


def num_proxies_from_environment() -> int:
    """NUM_PROXIES as the environment gives it (0 when unset); a value that is not a whole
    number ≥ 0 stops the server from starting, as it stops Django's settings."""
    value = int(os.environ.get("NUM_PROXIES", "0"))
    if value < 0:
        raise ValueError(f"NUM_PROXIES must be 0 or more, not {value}")
    return value


def client_address(meta: Mapping[str, str], num_proxies: int) -> str:
    """The client's address from a WSGI environ or request.META."""
    remote = meta.get("REMOTE_ADDR", "") or ""
    if num_proxies <= 0:
        return remote
    forwarded = [a.strip() for a in (meta.get("HTTP_X_FORWARDED_FOR") or "").split(",")]
    forwarded = [a for a in forwarded if a]
    if not forwarded:
        return remote
    candidate = forwarded[-min(num_proxies, len(forwarded))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def request_client_address(request) -> str:
    """For django-axes (AXES_CLIENT_IP_CALLABLE) and Django views."""
    from django.conf import settings

    return client_address(request.META, settings.NUM_PROXIES)
