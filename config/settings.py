"""Settings for 法规知识库, all driven by environment variables (django-environ)."""

from pathlib import Path
from urllib.parse import urlparse

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)  # the default database and index live here

env = environ.Env(
    DEBUG=(bool, False),
    ALLOWED_HOSTS=(list, ["127.0.0.1", "localhost"]),
    SECURE=(bool, False),
    API_ANON_THROTTLE=(str, "120/minute"),
    API_USER_THROTTLE=(str, "1200/minute"),
    API_EXPORT_THROTTLE=(str, "10/minute"),
)

DEBUG = env("DEBUG")
# The default key only serves local runs; `check --deploy` flags it, so production sets SECRET_KEY.
SECRET_KEY = env("SECRET_KEY", default="django-insecure-local-development-only")
ALLOWED_HOSTS = env("ALLOWED_HOSTS")
# The whole shipped body of law; the demo is a part of it that loads in about a minute.
CORPUS_DIR = BASE_DIR / "fixtures" / "corpus"
DEMO_CORPUS_PATHS = [
    CORPUS_DIR / "laws",
    CORPUS_DIR / "seeds",
    CORPUS_DIR / "laws-full" / "民法典",
    CORPUS_DIR / "local" / "广东",
]
# What the test suite and the CI load test ingest: the 16 laws and the 5 publications.
TEST_CORPUS_PATHS = [CORPUS_DIR / "laws", CORPUS_DIR / "seeds"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # apps.search comes before haystack so its rebuild_index command is the one Django runs.
    "apps.search",
    "haystack",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "apps.core",
    "apps.documents",
    "apps.policies",
    "apps.ingest",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "apps.core.replicas.ReplicaReadsMiddleware",
]

# Admin logins: 5 failures lock the username+IP for an hour (django-axes).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Reverse proxies in front of the site that append to X-Forwarded-For (0: none, the header is
# ignored). The API and page throttles, django-axes and gunicorn's access log read the client's
# address the same way (apps/core/clientip.py).
NUM_PROXIES = env.int("NUM_PROXIES", default=0)
# PDF exports are printed by Chromium (Debian's `chromium`; `make browser` installs it).
CHROMIUM_PATH = env.str("CHROMIUM_PATH", default="chromium")
# A search counts against the rate limits as one request per this much CPU time (a 100 ms
# search as ten): an anonymous client's 120 a minute bound the time it takes from others to
# about 1.2 s a minute, whatever it asks.
# The change feed keeps a deleted record's tombstone this many days (prune_changes): a mirror
# that syncs less often than that must start over.
CHANGES_TOMBSTONE_DAYS = env.int("CHANGES_TOMBSTONE_DAYS", default=90)
if CHANGES_TOMBSTONE_DAYS < 1:
    raise environ.ImproperlyConfigured("CHANGES_TOMBSTONE_DAYS must be a whole number ≥ 1")
SEARCH_COST_UNIT_MS = env.int("SEARCH_COST_UNIT_MS", default=10)
if SEARCH_COST_UNIT_MS < 1:
    raise environ.ImproperlyConfigured("SEARCH_COST_UNIT_MS must be a whole number ≥ 1")
AXES_CLIENT_IP_CALLABLE = "apps.core.clientip.request_client_address"

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent readers while ingestion writes; writers wait for each other instead of failing:
    # a transaction takes the write lock when it begins (IMMEDIATE), since SQLite cannot wait
    # for a read lock to be upgraded and answers "database is locked" at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Read replicas (streaming replicas of the PostgreSQL primary), comma-separated URLs: page, API
# and search reads go to them, writes to the primary, and each user reads their own writes
# (apps.core.replicas).
DATABASE_REPLICAS = []
for _number, _url in enumerate(env.list("DATABASE_REPLICA_URLS", default=[])):
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise environ.ImproperlyConfigured("DATABASE_REPLICA_URLS needs a PostgreSQL primary")
    _alias = f"replica{_number + 1}"
    DATABASES[_alias] = {**environ.Env.db_url_config(_url), "TEST": {"MIRROR": "default"}}
    DATABASE_REPLICAS.append(_alias)
DATABASE_ROUTERS = ["apps.core.replicas.PrimaryReplicaRouter"] if DATABASE_REPLICAS else []
# A server process keeps its PostgreSQL connections between requests (opening one per request
# cost more than a search), checked before each request is served so a restarted server is
# reconnected to, not failed on.
for _database in DATABASES.values():
    if _database["ENGINE"] == "django.db.backends.postgresql":
        _database["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=300)
        _database["CONN_HEALTH_CHECKS"] = True

# The default cache (throttle counts, django-axes) is shared by every worker of a host: files
# under VAR_DIR, so a limit of 120 a minute means 120, not 120 per worker. CACHE_URL=redis://…
# shares it between hosts too.
CACHES = {"default": env.cache("CACHE_URL", default=f"filecache://{VAR_DIR / 'cache'}")}
if CACHES["default"]["BACKEND"].endswith("FileBasedCache"):
    CACHES["default"]["BACKEND"] = "apps.core.cache.FolderCache"  # culled now and then
    CACHES["default"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 20000)
# Whole pages stay in each worker's memory, bounded by bytes (PAGE_CACHE_MB per worker).
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=3600)
CACHES["pages"] = {
    "BACKEND": "apps.core.cache.ByteBoundedMemoryCache",
    "LOCATION": "pages",
    "TIMEOUT": PAGE_CACHE_SECONDS,
    "OPTIONS": {"MAX_BYTES": env.int("PAGE_CACHE_MB", default=64) * 2**20, "MAX_ENTRIES": 10**6},
}


def _search_connection(url: str) -> dict:
    """SEARCH_URL → a haystack connection: whoosh:///abs/path (files on this host), or postgres:
    (tables in the default database, which must then be PostgreSQL: the index is written in the
    same transactions as the records)."""
    parsed = urlparse(url)
    if parsed.scheme == "whoosh":
        return {"ENGINE": "apps.search.backend.ChineseWhooshEngine", "PATH": parsed.path}
    if parsed.scheme in ("postgres", "postgresql") and not (parsed.netloc or parsed.path):
        if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
            raise environ.ImproperlyConfigured(
                "SEARCH_URL=postgres: keeps the index in the default database, which must be "
                "PostgreSQL: set DATABASE_URL=postgres://… as well"
            )
        return {
            "ENGINE": "apps.search.postgres.backend.PostgresSearchEngine",
            # Each app server's processes keep a mirror of the index in memory and search it
            # (docs/scaling.md); SEARCH_MIRROR=off runs every query in SQL instead.
            "MIRROR": env.bool("SEARCH_MIRROR", default=True),
        }
    raise environ.ImproperlyConfigured(
        f"SEARCH_URL not supported: {url!r} (use whoosh:///absolute/path, or postgres: for the "
        "default database; the index cannot live in another database than the records)"
    )


SEARCH_URL = env("SEARCH_URL", default=f"whoosh://{VAR_DIR / 'whoosh_index'}")
HAYSTACK_CONNECTIONS = {"default": _search_connection(SEARCH_URL)}
HAYSTACK_SIGNAL_PROCESSOR = "apps.search.sync.IndexSyncSignalProcessor"

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.DjangoModelPermissionsOrAnonReadOnly"
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "apps.core.throttling.AnonThrottle",
        "apps.core.throttling.UserThrottle",
    ],
    "DEFAULT_PAGINATION_CLASS": "apps.core.pagination.Pagination",
    "DEFAULT_PARSER_CLASSES": [
        "apps.core.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "apps.core.exceptions.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "apps.core.schema.ApiSchema",
    "DEFAULT_RENDERER_CLASSES": ["apps.core.renderers.HtmlSafeJSONRenderer"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "NUM_PROXIES": NUM_PROXIES,
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_ANON_THROTTLE"),
        "user": env("API_USER_THROTTLE"),
        "export": env("API_EXPORT_THROTTLE"),
    },
}

SPECTACULAR_SETTINGS = {
    "TITLE": "法规知识库 API",
    "DESCRIPTION": "Regulations, clauses, publications and full-text search. Reads are public "
    "(throttled); writes need a token: `Authorization: Token <key>`.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

SECURE = env("SECURE")
if SECURE:
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}
