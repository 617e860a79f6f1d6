"""Rate limits of the API and of the search page, read from the settings on each request."""

import math
from functools import wraps

from django.shortcuts import render
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from .clientip import request_client_address


class _LiveRates:
    """Read the rate from settings on each request, so the environment (and tests) can set it;
    the client is told apart by apps.core.clientip (NUM_PROXIES), as django-axes and the access
    log tell it apart."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request):
        return request_client_address(request)


class AnonThrottle(_LiveRates, AnonRateThrottle):
    pass


class UserThrottle(_LiveRates, UserRateThrottle):
    pass


def throttled_page(view):
    """The API's limits (per client, all workers together) on an HTML page: a search page costs
    the server as much as a search through the API. Over the limit: 429 with Retry-After."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        for throttle in (AnonThrottle(), UserThrottle()):
            if not throttle.allow_request(request, None):
                wait = max(1, math.ceil(throttle.wait() or 1))
                response = render(request, "429.html", {"wait": wait}, status=429)
                response["Retry-After"] = str(wait)
                return response
        return view(request, *args, **kwargs)

    return wrapper
