"""Rate limits of the API and of the HTML pages that cost as much (search, exports), read from
the settings on each request; a search counts as one request for every SEARCH_COST_UNIT_MS of
CPU time it took, an export against a limit of its own."""

import fcntl
import math
import time
from contextlib import contextmanager
from functools import wraps

from django.conf import settings
from django.shortcuts import render
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

from .clientip import request_client_address


class _LiveRates:
    """Read the rate from settings on each request, so the environment (and tests) can set it;
    the client is told apart by apps.core.clientip (NUM_PROXIES), as django-axes and the access
    log tell it apart."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view):
        with _host_lock():
            return super().allow_request(request, view)

    def charge(self, request, requests: int) -> None:
        """Count `requests` more against the client's limit, as if made now."""
        if self.rate is None or (key := self.get_cache_key(request, None)) is None:
            return
        requests = min(requests, self.num_requests)  # past the limit, more changes nothing
        with _host_lock():
            history = self.cache.get(key, [])
            self.cache.set(key, [self.timer()] * requests + history, self.duration)

    def get_ident(self, request):
        return request_client_address(request)


@contextmanager
def _host_lock():
    """DRF reads a client's history from the cache, then writes it back: two workers counting
    the same client at once would lose one request and let it exceed its limit. The count is
    one short step; the workers of a host take it in turn. (Between hosts, sharing a Redis
    cache, the same race remains: a client may exceed its limit by the few requests that
    reach two hosts in the same millisecond.)"""
    with open(settings.VAR_DIR / "throttle.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


class AnonThrottle(_LiveRates, AnonRateThrottle):
    pass


class UserThrottle(_LiveRates, UserRateThrottle):
    pass


class ExportThrottle(_LiveRates, SimpleRateThrottle):
    """Word and PDF exports per client, a limit of their own (API_EXPORT_THROTTLE): a PDF is
    seconds of Chromium, which a charge by this worker's CPU time would not see."""

    scope = "export"

    def get_cache_key(self, request, view):
        user = getattr(request, "user", None)
        ident = user.pk if user and user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


@contextmanager
def charged_by_time(request):
    """The block (a search) counts against the client's limits as one request per
    SEARCH_COST_UNIT_MS of CPU time: the worst searches a client can make cost it as many
    requests as they cost the server, so its limit bounds the time it can take from others, not
    only the number of its requests.

    CPU time, not wall time: on a busy server a search waits for the CPU longer, and that wait
    is not the client's to pay.
    """
    started = time.thread_time()
    try:
        yield
    finally:
        units = math.ceil((time.thread_time() - started) * 1000 / settings.SEARCH_COST_UNIT_MS)
        if units > 1:
            for throttle in (AnonThrottle(), UserThrottle()):
                throttle.charge(request, units - 1)


def throttled_page(view=None, *, also=(), charged=True):
    """The API's limits (per client, all workers together) on an HTML page: a search page costs
    the server as much as a search through the API, and is `charged` by its CPU time as a
    search is; `also`: further throttle classes (exports, counted by a limit of their own).
    Over a limit: 429 with Retry-After."""
    if view is None:
        return lambda view: throttled_page(view, also=also, charged=charged)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        for throttle in (AnonThrottle(), UserThrottle(), *(kind() for kind in also)):
            if not throttle.allow_request(request, None):
                wait = max(1, math.ceil(throttle.wait() or 1))
                response = render(request, "429.html", {"wait": wait}, status=429)
                response["Retry-After"] = str(wait)
                return response
        if not charged:
            return view(request, *args, **kwargs)
        with charged_by_time(request):
            return view(request, *args, **kwargs)

    return wrapper
