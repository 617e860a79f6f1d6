"""Fixtures for every test that needs Django: a throw-away index, the bundled corpus ingested once
per session, API clients, a live site. (lawtext's own tests need none of this and run without
Django: `pytest -p no:django --confcutdir=lawtext lawtext`.)"""

import haystack
import pytest
from asgiref.local import Local
from django.conf import settings
from django.contrib.auth.models import Permission, User
from django.core.cache import cache, caches
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from apps.ingest.services import corpus_ingest
from apps.search.postgres.mirror import mirrors_close
from tests.servers import gunicorn, manage, site_env


def pytest_collection_modifyitems(config, items):
    """Tests of the Whoosh index's own files (its segments, generations and numpy arrays) run
    in the suite's Whoosh runs; those of the PostgreSQL backend's mirror against its SQL, in the
    run on that backend. The rest of the suite tests both backends alike."""
    on_whoosh = settings.HAYSTACK_CONNECTIONS["default"]["ENGINE"].endswith("ChineseWhooshEngine")
    other, reason = (
        ("postgres_search", "the PostgreSQL backend's")
        if on_whoosh
        else ("whoosh", "Whoosh's index files:")
    )
    skip = pytest.mark.skip(reason=f"{reason} tested in the suite's run on that backend")
    for item in items:
        if other in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def search_index_dir(tmp_path_factory):
    """Tests never touch the developer's index: the Whoosh index lives in a temporary folder."""
    info = haystack.connections.connections_info["default"]
    if info["ENGINE"].endswith("ChineseWhooshEngine"):
        info["PATH"] = str(tmp_path_factory.mktemp("whoosh"))
        haystack.connections.reload("default")
    return info.get("PATH")


@pytest.fixture(scope="session", autouse=True)
def cache_dir(tmp_path_factory):
    """Tests never share the developer's file cache (throttle counts of a running server)."""
    default = settings.CACHES["default"]
    if default["BACKEND"].endswith("FileBasedCache"):
        default["LOCATION"] = str(tmp_path_factory.mktemp("cache"))
        caches.__dict__.pop("settings", None)  # read CACHES again
        caches._connections = Local()  # noqa: SLF001 - drop the caches opened on the old folder
    return default.get("LOCATION")


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: pages cached by another test's (rolled back) edits
    must not be served to it."""
    cache.clear()
    caches["pages"].clear()


@pytest.fixture(autouse=True)
def search_counts_as_one_request(settings):
    """A search counts as one request against the limits, however long it takes: charged by
    CPU time (SEARCH_COST_UNIT_MS), a test of many searches would pass on a fast machine and hit
    the limit on a slow one. The tests of the charge set the unit themselves."""
    settings.SEARCH_COST_UNIT_MS = 60_000


@pytest.fixture
def throttle_rates(settings):
    """Set the rate limits for one test: throttle_rates(anon="3/minute", user="100/minute")."""

    def set_rates(**rates: str) -> None:
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}

    return set_rates


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, search_index_dir):
    """The test corpus (the 16 laws and 5 publications), ingested once for the whole session
    (tests read it, and roll back)."""
    with django_db_blocker.unblock():
        report = corpus_ingest(paths=settings.TEST_CORPUS_PATHS)
    failed = [(f.path, f.message) for f in report.failed]
    assert not failed, failed
    yield
    mirrors_close()  # the PostgreSQL backend's own connections, before the database is dropped


@pytest.fixture(scope="session")
def live_site(tmp_path_factory):
    """gunicorn serving the bundled corpus from a throw-away SQLite database and index."""
    workdir = tmp_path_factory.mktemp("site")
    env = site_env(workdir)
    corpus = [str(path) for path in settings.TEST_CORPUS_PATHS]
    for command in (
        ["migrate", "-v0"],
        ["ingest", "-v0", *corpus],
        ["collectstatic", "--noinput", "-v0"],
    ):
        manage(env, *command)
    with gunicorn(env, workdir) as base:
        yield base


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def editor_client():
    """An API client with the token of a user who may add, change and delete regulations."""
    user = User.objects.create_user("editor")
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="policies", codename__regex=r"^(add|change|delete)_"
        )
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client
