import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Load the word dictionary and the URL configuration (with every view module it imports) before
# serving: under `gunicorn --preload` they are loaded once, in the master, and the forked workers
# share them and answer their first request at once.
from django.urls import get_resolver  # noqa: E402

from apps.search.services import search_warm_up  # noqa: E402

len(get_resolver().url_patterns)  # imports every view module
search_warm_up()
