"""Reads from PostgreSQL read replicas, writes to the primary, and every user reads their own
writes (DATABASE_REPLICA_URLS).

Inside a request, reads go to a replica, except for the tables of sign-in (sessions, users,
tokens, lockouts: a login must hold at once). A request that writes (any method but GET, HEAD,
OPTIONS) reads and writes the primary only, and records where the primary's write-ahead log
stood once it is done; that user's later requests read from a replica only once it has replayed
that far, else from the primary. So a replica that lags never shows an editor a page older than
their own write, on any app server. Outside requests (commands, the shell) everything goes to
the primary.
"""

from __future__ import annotations

import random
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connections

PRIMARY = "default"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PRIMARY_ONLY_APPS = frozenset({"sessions", "auth", "authtoken", "axes", "core"})


@dataclass
class _Route:
    """How one request reads: from the primary only, or from a replica that has replayed the
    user's last write (`after`, an LSN), chosen once."""

    primary_only: bool = False
    after: str | None = None
    chosen: str | None = field(default=None)


_route: ContextVar[_Route | None] = ContextVar("fagui_read_route", default=None)


def replica_aliases() -> list[str]:
    return list(getattr(settings, "DATABASE_REPLICAS", ()))


def read_database() -> str:
    """The database alias this request reads from (for raw SQL reads, like the search index's)."""
    route = _route.get()
    if route is None or route.primary_only or not replica_aliases():
        return PRIMARY
    if route.chosen is None:
        route.chosen = _caught_up_replica(route.after)
    return route.chosen


def _caught_up_replica(after: str | None) -> str:
    """A replica (in random order: the load is spread) that has replayed `after`, else the
    primary. Without `after`, any replica: a replica that is gone fails the request (503), as
    the primary's absence would."""
    aliases = replica_aliases()
    random.shuffle(aliases)
    if after is None:
        return aliases[0]
    for alias in aliases:
        with connections[alias].cursor() as cursor:
            cursor.execute(
                "SELECT coalesce(pg_last_wal_replay_lsn() >= %s::pg_lsn, false)", [after]
            )
            if cursor.fetchone()[0]:
                return alias
    return PRIMARY


class PrimaryReplicaRouter:
    """Django's database router for DATABASE_REPLICA_URLS."""

    def db_for_read(self, model, **hints):
        if model._meta.app_label in PRIMARY_ONLY_APPS:
            return PRIMARY
        return read_database()

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # replicas hold the primary's data

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


def _user_id(request) -> int | None:
    """The signed-in user (session) or the API token's user, read from the primary."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user.pk
    header = request.META.get("HTTP_AUTHORIZATION", "")
    kind, _, key = header.partition(" ")
    if kind.lower() != "token" or not key.strip():
        return None
    from rest_framework.authtoken.models import Token

    return (
        Token.objects.using(PRIMARY)
        .filter(key=key.strip())
        .values_list("user_id", flat=True)
        .first()
    )


def _position_of(user_id: int | None) -> str | None:
    from .models import ReadPosition

    if user_id is None:
        return None
    return (
        ReadPosition.objects.using(PRIMARY)
        .filter(user_id=user_id)
        .values_list("lsn", flat=True)
        .first()
    )


def _position_record(user_id: int) -> None:
    from .models import ReadPosition

    with connections[PRIMARY].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        (lsn,) = cursor.fetchone()
    ReadPosition.objects.using(PRIMARY).update_or_create(user_id=user_id, defaults={"lsn": lsn})


class ReplicaReadsMiddleware:
    """Routes each request's reads (see the module's docstring); nothing without replicas."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_aliases():
            return self.get_response(request)
        if request.method not in SAFE_METHODS:
            token = _route.set(_Route(primary_only=True))
            try:
                response = self.get_response(request)
            finally:
                _route.reset(token)
            user_id = _user_id(request)  # the view has authenticated the request by now
            if user_id is not None and response.status_code < 400:
                _position_record(user_id)
            return response
        token = _route.set(_Route(after=_position_of(_user_id(request))))
        try:
            return self.get_response(request)
        finally:
            _route.reset(token)
