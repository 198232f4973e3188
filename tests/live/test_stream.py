"""The session's stream: who may follow it, and what its events say."""

from __future__ import annotations

from practica.core import streams
from practica.core.models import StreamEvent
from practica.live import services


def test_members_follow_a_private_session_and_only_moderators_its_queue_behind(
    live_cast, session_factory
):
    cast = live_cast("private")
    session = session_factory(cast.community, cast.facilitator, moderators=[cast.member])
    name, mod = f"live:{session.pk}", f"live:{session.pk}:mod"
    assert streams.authorized(cast.participant, name)
    assert not streams.authorized(cast.outsider, name)
    assert streams.authorized(cast.admin, name)
    assert streams.authorized(cast.member, mod) and streams.authorized(cast.facilitator, mod)
    assert not streams.authorized(cast.participant, mod)
    assert not streams.authorized(cast.participant, f"live:{session.pk}:other")
    assert not streams.authorized(cast.participant, "live:999999")


def test_events_follow_the_contract_and_pending_questions_stay_with_moderators(
    live_cast, session_factory
):
    cast = live_cast()
    session = session_factory(
        cast.community, cast.facilitator, moderators=[cast.member], premoderate=True
    )
    q = services.live_question_submit(author=cast.participant, session=session, body="Held?")
    public = lambda: list(  # noqa: E731
        StreamEvent.objects.filter(stream=f"live:{session.pk}").order_by("seq")
    )
    assert [e.event for e in public()] == ["session.updated", "session.updated"]  # scheduled, live
    held = StreamEvent.objects.get(stream=f"live:{session.pk}:mod")
    assert held.data["id"] == q.pk and held.data["state"] == "pending"
    services.live_question_moderate(actor=cast.member, question=q, action="approve")
    services.live_question_upvote(user=cast.owner, question=q)
    services.live_question_moderate(actor=cast.member, question=q, action="hide")
    events = [(e.event, e.data) for e in public()][2:]
    assert events[0][0] == "question.submitted" and events[0][1]["id"] == q.pk
    assert events[1] == ("question.votes", {"id": q.pk, "votes": 1})
    assert events[2] == ("question.removed", {"id": q.pk})
    assert streams.current_seq(f"live:{session.pk}") == 5
