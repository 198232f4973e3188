"""Who may follow a stream: one authorizer per stream prefix, registered by the app that owns it."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from practica.core.streams.store import split

log = logging.getLogger(__name__)

Authorizer = Callable[[Any, str], bool]
_authorizers: dict[str, Authorizer] = {}


def register_authorizer(prefix: str, fn: Authorizer) -> None:
    """`fn(user, key)` decides whether `user` may follow "<prefix>:<key>"; an unknown prefix never."""
    _authorizers[prefix] = fn


def authorized(user: Any, stream: str) -> bool:
    """Whether `user` (maybe anonymous) may follow `stream`. Runs the authorizer's queries."""
    try:
        prefix, key = split(stream)
    except ValueError:
        return False
    fn = _authorizers.get(prefix)
    if fn is None:
        return False
    try:
        return bool(fn(user, key))
    except Exception:  # a broken authorizer refuses rather than lets in
        log.exception("stream authorizer for %r failed on %r", prefix, stream)
        return False


def refused(pairs: Iterable[tuple[int | None, str]]) -> set[tuple[int | None, str]]:
    """The (user id, stream) pairs no longer allowed, judged on freshly loaded users (a cached
    user would still carry the memberships it had when the connection opened)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import AnonymousUser

    pairs = set(pairs)
    ids = {user_id for user_id, _ in pairs if user_id is not None}
    users: dict[int | None, Any] = dict(get_user_model().objects.in_bulk(ids))
    users[None] = AnonymousUser()
    out = set()
    for user_id, stream in pairs:
        user = users.get(user_id)
        if user is None or not authorized(user, stream):
            out.add((user_id, stream))
    return out
