"""Settings of every gunicorn the project starts (`-c config/gunicorn.py`)."""

# Long query strings reach Django, which answers them in the API's JSON error shape (a 400 that
# names the bad parameter), instead of gunicorn's HTML "Request Line is too large" at 4 KB.
# The number of parameters stays bounded by Django (DATA_UPLOAD_MAX_NUMBER_FIELDS), and the
# reverse proxy in front of a deployment bounds the line itself.
limit_request_line = 0


# The access log names the client as the throttles and django-axes do (NUM_PROXIES).
from gunicorn.glogging import Logger  # noqa: E402

from apps.core.clientip import client_address, num_proxies_from_environment  # noqa: E402

NUM_PROXIES = num_proxies_from_environment()


class ClientAddressLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["h"] = client_address(environ, NUM_PROXIES) or atoms["h"]
        return atoms


logger_class = ClientAddressLogger
