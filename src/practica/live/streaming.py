"""The session's real-time stream (`live:<session id>`), through `practica.core.streams`.

Everything sent here is safe for every participant: public questions only, never the author of an
anonymous question, bodies already sanitised. Questions waiting for approval go to the moderators'
stream, `live:<session id>:mod`, which only those who may moderate can follow.
"""

from __future__ import annotations

from typing import Any

from practica.communities import policy
from practica.core import streams


def stream_name(session_id: int, *, moderators: bool = False) -> str:
    return f"live:{session_id}:mod" if moderators else f"live:{session_id}"


def publish(session_id: int, event: str, data: dict[str, Any], *, moderators: bool = False) -> None:
    """Send `event` to everyone following the session (or only its moderators)."""
    streams.publish(stream_name(session_id, moderators=moderators), event, data)


def current_seq(name: str) -> int:
    return int(streams.current_seq(name))


def may_follow(user: Any, key: str) -> bool:
    """Whether `user` may follow `live:<key>`: "<id>" for participants, "<id>:mod" for moderators."""
    from practica.live.models import LiveSession

    raw, _, suffix = key.partition(":")
    if not raw.isdigit() or suffix not in ("", "mod"):
        return False
    session = LiveSession.objects.select_related("community").filter(pk=int(raw)).first()
    if session is None:
        return False
    action = "live.moderate" if suffix == "mod" else "live.view"
    return policy.can(user, action, session)


def register_authorizer() -> None:
    streams.register_authorizer("live", may_follow)
