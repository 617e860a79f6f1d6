import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Load the word dictionary before serving: under `gunicorn --preload` it is loaded once, in the
# master, and the forked workers share it and answer their first search at once.
from apps.search.services import search_warm_up  # noqa: E402

search_warm_up()
