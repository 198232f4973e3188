"""Live session fixtures: a session in a community, made through the services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from practica.communities.models import Role
from practica.live import services
from practica.live.models import LiveSession


@pytest.fixture
def live_cast(cast_factory, user_factory, add_member):
    """A public community's cast, plus a second member (Pat Participant)."""

    def make(visibility: str = "public"):
        cast = cast_factory(visibility)
        cast.participant = user_factory("Pat Participant")  # type: ignore[attr-defined]
        add_member(cast.community, cast.participant)
        return cast

    return make


@pytest.fixture
def session_factory(db):
    def make(
        community,
        actor,
        *,
        live: bool = True,
        starts_in: timedelta | None = None,
        hours: float = 1,
        **extra,
    ) -> LiveSession:
        now = timezone.now()
        starts = now + (starts_in if starts_in is not None else timedelta(minutes=5))
        session = services.live_session_schedule(
            actor=actor,
            community=community,
            title=extra.pop("title", "Ask the platform team anything"),
            starts_at=starts,
            ends_at=starts + timedelta(hours=hours),
            time_zone=extra.pop("time_zone", "Europe/Paris"),
            **extra,
        )
        if live:
            services.live_session_start(actor=actor, session=session)
        return LiveSession.objects.select_related("community").get(pk=session.pk)

    return make


@pytest.fixture
def live(live_cast, session_factory):
    """A live session scheduled by the facilitator (host and curator), with the member as
    moderator, in a public community; returns (cast, session)."""
    cast = live_cast()
    session = session_factory(
        cast.community, cast.facilitator, moderators=[cast.member], allow_anonymous=True
    )
    return cast, session


__all__ = ["Role"]
