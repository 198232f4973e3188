"""iCalendar: one session's .ics and a community's feed; escaping and line folding."""

from __future__ import annotations

from django.core import signing
from django.urls import reverse

from practica.live import ics
from practica.live.views.lists import FEED_SALT
from tests.conftest import client_for


def _unfold(text: str) -> str:
    return text.replace("\r\n ", "")


def test_escape_and_fold_follow_rfc_5545():
    assert ics.escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    line = "DESCRIPTION:" + "é" * 100
    folded = ics.fold(line)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert _unfold(folded) == line


def test_a_session_downloads_as_an_ics_event(live):
    cast, session = live
    session.title = "Ask us anything, really; now"
    session.save(update_fields=["title"])
    r = client_for(cast.participant).get(
        reverse("live:ics", args=[cast.community.slug, session.pk])
    )
    assert r["Content-Type"].startswith("text/calendar")
    assert "attachment" in r["Content-Disposition"]
    text = r.content.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    body = _unfold(text)
    assert "SUMMARY:Ask us anything\\, really\\; now\r\n" in body
    assert f"UID:live-session-{session.pk}@testserver" in body
    assert "DTSTART:" + session.starts_at.strftime("%Y%m%dT%H%M") in body
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))


def test_the_community_feed_works_with_its_signed_key_and_follows_membership(
    live_cast, session_factory, client
):
    from practica.communities.services import community_leave

    cast = live_cast("private")
    session_factory(cast.community, cast.facilitator, title="Private AMA")
    url = reverse("live:feed", args=[cast.community.slug])
    key = signing.dumps([cast.participant.pk, cast.community.pk], salt=FEED_SALT)
    r = client.get(url, {"key": key})
    assert r.status_code == 200 and "SUMMARY:Private AMA" in r.content.decode()
    assert client.get(url, {"key": "forged"}).status_code == 302  # to the sign-in page
    community_leave(user=cast.participant, community=cast.community)
    assert client.get(url, {"key": key}).status_code == 404
