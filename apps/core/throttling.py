"""API rate limits, read from the settings on each request."""

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
