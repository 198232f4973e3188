"""Live-session questions and notes in the index: only what participants see is found, after
commit, with the session's community for permissions, and an anonymous author is never exposed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from practica.live import services as live
from practica.search.models import SearchDocument
from practica.search.query import parse
from practica.search.selectors import search
from tests.conftest import client_for


@pytest.fixture
def session(cast_factory, user_factory, add_member):
    """session(visibility="public", **options) -> a live session hosted by the facilitator (host
    and curator), with the member as moderator; `session.cast` is the community's cast."""

    def make(visibility="public", **options):
        cast = cast_factory(visibility, "request") if visibility == "private" else cast_factory()
        cast.participant = user_factory("Pat Participant")
        add_member(cast.community, cast.participant)
        starts = timezone.now() + timedelta(minutes=5)
        s = live.live_session_schedule(
            actor=cast.facilitator,
            community=cast.community,
            title="Ask the platform team anything",
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
            moderators=[cast.member],
            allow_anonymous=True,
            **options,
        )
        live.live_session_start(actor=cast.facilitator, session=s)
        s.cast = cast
        return s

    return make


def found(user, q, kind=""):
    return [(r.kind, r.id) for r in search(user=user, q=q, kind=kind)]


def doc(source, pk):
    return SearchDocument.objects.get(source=source, object_id=pk)


def test_a_question_and_a_note_are_found_with_their_session_anchor(session):
    s = session()
    cast = s.cast
    q = live.live_question_submit(author=cast.participant, session=s, body="How do canaries roll?")
    n = live.live_note_post(author=cast.facilitator, session=s, body="Canaries go to one zone.")
    results = {r.kind: r for r in search(user=cast.outsider, q="canaries")}
    assert set(results) == {"live_question", "live_note"}
    assert results["live_question"].url.endswith(f"/live/{s.pk}/#q-{q.pk}")
    assert results["live_note"].url.endswith(f"/live/{s.pk}/#note-{n.pk}")
    assert results["live_question"].heading == "Ask the platform team anything"
    assert results["live_question"].document.community_id == cast.community.pk
    assert found(cast.member, "canaries kind:live_note") == [("live_note", n.pk)]
    assert found(cast.member, "canaries", kind="live_question") == [("live_question", q.pk)]
    by = f"author:@{cast.participant.handle} kind:live_question"
    assert found(cast.member, by) == [("live_question", q.pk)]
    page = client_for(cast.member).get("/search/", {"q": "canaries"}).content.decode()
    assert "Live question" in page and "Asked in" in page and f"#q-{q.pk}" in page


def test_live_kinds_are_understood_by_the_query_parser():
    assert parse("kind:live_question kind:live-notes").kinds == ["live_question", "live_note"]


def test_hidden_dismissed_and_merged_questions_disappear(session):
    s = session()
    cast, mod = s.cast, s.cast.member
    hidden = live.live_question_submit(author=cast.participant, session=s, body="Gerbil hidden?")
    kept = live.live_question_submit(author=cast.participant, session=s, body="Gerbil kept?")
    dup = live.live_question_submit(author=cast.facilitator, session=s, body="Gerbil twice?")
    assert len(found(cast.outsider, "gerbil")) == 3

    live.live_question_moderate(actor=mod, question=hidden, action="hide")
    live.live_questions_merge(actor=mod, target=kept, sources=[dup])
    assert found(cast.outsider, "gerbil") == [("live_question", kept.pk)]
    assert doc("live_question", hidden.pk).deleted and doc("live_question", dup.pk).deleted

    live.live_question_moderate(actor=mod, question=hidden, action="restore")
    assert ("live_question", hidden.pk) in found(cast.outsider, "gerbil")

    answered = live.live_question_moderate(
        actor=mod, question=kept, action="answer", answer="Use the marmoset runbook."
    )
    assert found(cast.outsider, "marmoset") == [("live_question", answered.pk)]


def test_pending_and_dismissed_questions_are_never_found(session):
    s = session(premoderate=True)
    cast = s.cast
    q = live.live_question_submit(author=cast.participant, session=s, body="Wombat pending?")
    assert found(cast.member, "wombat") == []  # even a moderator: the index holds what all see
    live.live_question_moderate(actor=cast.member, question=q, action="dismiss")
    assert found(cast.member, "wombat") == []
    live.live_question_moderate(actor=cast.member, question=q, action="approve")
    assert found(cast.member, "wombat") == [("live_question", q.pk)]


def test_an_anonymous_author_is_neither_indexed_nor_searchable(session):
    s = session()
    cast = s.cast
    q = live.live_question_submit(
        author=cast.participant, session=s, body="Is the ocelot rota fair?", anonymous=True
    )
    assert doc("live_question", q.pk).author_id is None
    assert found(cast.member, "ocelot") == [("live_question", q.pk)]
    assert found(cast.member, f"author:@{cast.participant.handle} kind:live_question") == []
    live.live_question_edit(actor=cast.participant, question=q, body="Is the ocelot rota fairer?")
    assert doc("live_question", q.pk).author_id is None
    page = client_for(cast.member).get("/search/", {"q": "ocelot"}).content.decode()
    assert "ocelot" in page and "Pat Participant" not in page


def test_edits_notes_and_a_retitled_session_reach_the_index(session):
    s = session()
    cast = s.cast
    q = live.live_question_submit(author=cast.participant, session=s, body="About lemurs?")
    n = live.live_note_post(author=cast.facilitator, session=s, body="Lemurs first.")
    live.live_question_edit(actor=cast.participant, question=q, body="About tapirs?")
    live.live_note_edit(actor=cast.facilitator, note=n, body="Tapirs first.")
    assert found(cast.member, "lemurs") == []
    assert sorted(found(cast.member, "tapirs")) == [("live_note", n.pk), ("live_question", q.pk)]
    live.live_session_update(actor=cast.facilitator, session=s, title="Tapir office hours")
    assert doc("live_question", q.pk).heading == "Tapir office hours"
    assert doc("live_note", n.pk).heading == "Tapir office hours"


def test_an_outsider_of_a_private_community_finds_nothing(session):
    s = session("private")
    cast = s.cast
    live.live_question_submit(author=cast.participant, session=s, body="Secret okapi plans?")
    live.live_note_post(author=cast.facilitator, session=s, body="Okapi plans are secret.")
    assert len(found(cast.member, "okapi")) == 2
    assert search(user=cast.outsider, q="okapi").total == 0
    assert search(user=cast.outsider, q="okapi", kind="live_note").total == 0
