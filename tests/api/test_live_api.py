"""The live sessions API, through its routes."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from practica.live import services
from practica.live.models import LiveQuestion, QState
from tests.conftest import Api
from tests.live import conftest as live_fixtures

live_cast = live_fixtures.live_cast
session_factory = live_fixtures.session_factory
live = live_fixtures.live


def _times(days: float = 1, hours: float = 1):
    start = timezone.now() + timedelta(days=days)
    return start.isoformat(), (start + timedelta(hours=hours)).isoformat()


def test_schedule_list_get_and_patch_a_session(live_cast):
    cast = live_cast()
    api = Api(cast.facilitator)
    starts, ends = _times()
    r = api.post(
        f"/communities/{cast.community.slug}/live-sessions",
        {"title": "Platform AMA", "starts_at": starts, "ends_at": ends, "time_zone": "Europe/Paris",
         "moderators": [cast.member.pk], "allow_anonymous": True},
    )  # fmt: skip
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["url"].endswith(f"/c/{cast.community.slug}/live/{body['id']}/")
    assert body["status"] == "scheduled" and body["stream"] == f"live:{body['id']}"
    assert [p["id"] for p in body["hosts"]] == [cast.facilitator.pk]
    assert [p["id"] for p in body["moderators"]] == [cast.member.pk]
    listed = Api(cast.participant).get(f"/communities/{cast.community.slug}/live-sessions").json()
    assert [s["id"] for s in listed["items"]] == [body["id"]]
    r = api.patch(f"/live-sessions/{body['id']}", {"title": "Platform AMA, take two"})
    assert r.status_code == 200 and r.json()["title"] == "Platform AMA, take two"
    assert (
        Api(cast.participant).patch(f"/live-sessions/{body['id']}", {"title": "x"}).status_code
        == 403
    )


def test_schedule_errors_name_their_fields(live_cast):
    cast = live_cast()
    starts, _ = _times()
    r = Api(cast.facilitator).post(
        f"/communities/{cast.community.slug}/live-sessions",
        {"title": "Ok title", "starts_at": starts, "ends_at": starts, "time_zone": "Nowhere/Land"},
    )
    assert r.status_code == 422
    assert {e["field"] for e in r.json()["errors"]} == {"time_zone"}
    r = Api(cast.facilitator).post(
        f"/communities/{cast.community.slug}/live-sessions",
        {"title": "Ok title", "starts_at": starts, "ends_at": starts},
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "ends_at"


def test_the_question_flow_start_to_end(live):
    cast, session = live
    sid = session.pk
    member = Api(cast.participant)
    r = member.post(f"/live-sessions/{sid}/questions", {"body": "What **breaks** first?"})
    assert r.status_code == 201
    q = r.json()
    assert q["author"]["id"] == cast.participant.pk and q["mine"] is True and q["votes"] == 0
    assert "<strong>breaks</strong>" in q["body_html"]
    other = member.post(f"/live-sessions/{sid}/questions", {"body": "What fails first?"}).json()
    voter = Api(cast.owner)
    r = voter._do("put", f"/live-questions/{q['id']}/vote")
    assert r.status_code == 200 and r.json() == {**r.json(), "votes": 1, "my_vote": True}
    assert voter._do("put", f"/live-questions/{q['id']}/vote").json()["votes"] == 1
    r = voter.delete(f"/live-questions/{q['id']}/vote")
    assert r.json()["votes"] == 0 and r.json()["my_vote"] is False
    voter._do("put", f"/live-questions/{other['id']}/vote")
    mod = Api(cast.member)
    r = mod.post("/live-questions/merge", {"target": q["id"], "sources": [other["id"]]})
    assert r.status_code == 200 and r.json()["votes"] == 1
    assert LiveQuestion.objects.get(pk=other["id"]).state == QState.MERGED
    r = mod.patch(f"/live-questions/{q['id']}", {"action": "pin"})
    assert r.json()["pinned"] is True
    r = mod.patch(f"/live-questions/{q['id']}", {"action": "answer", "answer": "The CNI."})
    assert r.json()["state"] == "answered" and r.json()["pinned"] is False
    assert "The CNI." in r.json()["answer_html"]
    r = Api(cast.facilitator).post(
        f"/live-sessions/{sid}/notes", {"body": "Noted.", "quoted_question_id": q["id"]}
    )
    assert r.status_code == 201 and r.json()["quoted_question_id"] == q["id"]
    notes = member.get(f"/live-sessions/{sid}/notes").json()["items"]
    assert len(notes) == 1 and notes[0]["url"].endswith(f"#note-{notes[0]['id']}")
    listed = member.get(f"/live-sessions/{sid}/questions").json()["items"]
    assert [i["id"] for i in listed] == [q["id"]]


def test_participants_cannot_moderate_and_get_field_errors(live):
    cast, session = live
    q = services.live_question_submit(author=cast.participant, session=session, body="Mine?")
    r = Api(cast.owner).patch(f"/live-questions/{q.pk}", {"body": ""})
    assert r.status_code == 422
    r = Api(cast.participant).patch(f"/live-questions/{q.pk}", {"action": "pin"})
    assert r.status_code == 403
    r = Api(cast.participant).patch(f"/live-questions/{q.pk}", {"action": "explode"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "action"
    r = Api(cast.participant).post(f"/live-sessions/{session.pk}/questions", {"body": "x" * 501})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "body"


def test_end_publish_and_move_to_qa(live):
    cast, session = live
    services.live_question_submit(
        author=cast.participant, session=session, body="Still open?", anonymous=True
    )
    host = Api(cast.facilitator)
    assert host.post(f"/live-sessions/{session.pk}/publish").status_code == 422  # not ended
    r = host.post(f"/live-sessions/{session.pk}/end")
    assert r.status_code == 200 and r.json()["status"] == "ended"
    r = host.post(f"/live-sessions/{session.pk}/publish", {"body": "What we learnt."})
    assert r.status_code == 200 and r.json()["synthesis"]["url"].endswith("/")
    r = Api(cast.member).post(f"/live-sessions/{session.pk}/move-to-qa")
    assert r.status_code == 200 and r.json()["moved"] == 1
    [moved] = r.json()["questions"]
    assert moved["author"] is None and moved["thread_url"]


def test_a_private_community_s_sessions_are_not_found_by_outsiders(live_cast, session_factory):
    cast = live_cast("private")
    session = session_factory(cast.community, cast.facilitator)
    outsider = Api(cast.outsider)
    assert outsider.get(f"/live-sessions/{session.pk}").status_code == 404
    assert outsider.get(f"/live-sessions/{session.pk}/questions").status_code == 404
    assert outsider.get(f"/communities/{cast.community.slug}/live-sessions").status_code == 404
    assert Api(None).get(f"/live-sessions/{session.pk}").status_code == 401
