"""An anonymous question's author is never shown to participants, hosts or moderators: not in
pages, the API or stream events. Site administrators see it on the page, for abuse handling."""

from __future__ import annotations

import json

from practica.core.models import StreamEvent
from practica.live import services
from tests.conftest import Api, client_for

BODY = "Is the on-call rota fair to Payments?"


def _anonymous_question(live):
    cast, session = live
    cast.participant.name = "Quentin Quietly"
    cast.participant.save(update_fields=["name"])
    q = services.live_question_submit(
        author=cast.participant, session=session, body=BODY, anonymous=True
    )
    services.live_question_upvote(user=cast.member, question=q)
    services.live_question_moderate(actor=cast.member, question=q, action="pin")
    services.live_question_moderate(actor=cast.member, question=q, action="answer", answer="Soon.")
    return cast, session, q


def test_pages_show_anonymous_to_everyone_but_site_admins(live):
    cast, session, _q = _anonymous_question(live)
    for person in (cast.member, cast.facilitator, cast.owner, cast.outsider):  # moderator, host…
        html = client_for(person).get(session.get_absolute_url()).content.decode()
        assert BODY in html and "Anonymous" in html
        assert "Quentin" not in html and cast.participant.handle not in html
    admin = client_for(cast.admin).get(session.get_absolute_url()).content.decode()
    assert "Asked by Quentin Quietly" in admin and "admins only" in admin
    own = client_for(cast.participant).get(session.get_absolute_url()).content.decode()
    assert "asked anonymously" in own


def test_the_presenter_view_and_htmx_fragments_keep_it_anonymous(live):
    cast, session, _q = _anonymous_question(live)
    client = client_for(cast.facilitator)
    for url in (
        f"{session.get_absolute_url()}present/",
        f"{session.get_absolute_url()}?part=questions",
    ):
        html = client.get(url, headers={"HX-Request": "true"}).content.decode()
        assert "Quentin" not in html


def test_the_api_never_names_an_anonymous_author(live):
    cast, session, q = _anonymous_question(live)
    for person in (cast.member, cast.facilitator, cast.admin):
        body = Api(person).get(f"/live-sessions/{session.pk}/questions").json()
        item = next(i for i in body["items"] if i["id"] == q.pk)
        assert item["anonymous"] is True and item["author"] is None
        assert "Quentin" not in json.dumps(body)
    mine = Api(cast.participant).get(f"/live-questions/{q.pk}/vote")  # GET is not an operation
    assert mine.status_code == 405


def test_stream_events_never_carry_an_anonymous_author(live):
    cast, session, q = _anonymous_question(live)
    services.live_note_post(author=cast.facilitator, session=session, body="Noted.", quoted=q)
    rows = list(StreamEvent.objects.filter(stream__startswith=f"live:{session.pk}"))
    assert {r.event for r in rows} >= {"question.submitted", "question.votes", "question.updated"}
    dumped = json.dumps([r.data for r in rows])
    assert "Quentin" not in dumped and cast.participant.handle not in dumped
    assert f'"id": {cast.participant.pk}' not in dumped
