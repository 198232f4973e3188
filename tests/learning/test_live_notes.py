"""Cards kept from live session notes: the `live_note` source kind and its "Keep this" link."""

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from practica.communities.services import community_leave
from practica.learning import selectors
from practica.learning.models import Card
from practica.live import services as live
from tests.conftest import client_for


def _note(cast, body="Roll back **first**, investigate after."):
    starts = timezone.now() + timedelta(minutes=5)
    session = live.live_session_schedule(
        actor=cast.facilitator,
        community=cast.community,
        title="Incident review office hours",
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
    )
    live.live_session_start(actor=cast.facilitator, session=session)
    return live.live_note_post(author=cast.facilitator, session=session, body=body)


def test_keep_this_is_on_live_notes_and_keeps_a_card_from_one(cast_factory):
    cast = cast_factory("public")
    note = _note(cast)
    client = client_for(cast.member)
    page = client.get(note.session.get_absolute_url()).content.decode()
    assert re.search(rf'/learn/keep/\?kind=live_note&amp;id={note.pk}"[^>]*>Keep this', page)

    url = f"{reverse('learning:keep')}?kind=live_note&id={note.pk}"
    form = client.get(url)
    assert form.status_code == 200 and "<strong>first</strong>" in form.content.decode()
    done = client.post(
        reverse("learning:keep"),
        {"kind": "live_note", "id": note.pk, "prompt": "After an incident?", "point": "Roll back."},
    )
    assert done.status_code == 302 and done["Location"] == note.get_absolute_url()
    card = Card.objects.get()
    assert (card.source_kind, card.source_id) == ("live_note", note.pk)
    assert card.quote.startswith("Roll back first")
    shown = selectors.card_get(user=cast.member, pk=card.pk).source
    assert shown.url == note.get_absolute_url() and shown.label == "a live session note"


def test_leaving_a_private_community_keeps_the_words_but_drops_quote_and_link(cast_factory):
    from practica.learning import services

    cast = cast_factory("private", "request")
    note = _note(cast, body="Page the owner of the dashboard.")
    card = services.card_create(
        owner=cast.member,
        prompt="Who do we page?",
        point="The dashboard's owner.",
        source_kind="live_note",
        source_id=note.pk,
    )
    assert selectors.card_get(user=cast.member, pk=card.pk).source is not None

    community_leave(user=cast.member, community=cast.community)
    cast.member.refresh_from_db()

    kept = selectors.card_get(user=cast.member, pk=card.pk)
    assert kept.prompt == "Who do we page?" and kept.point == "The dashboard's owner."
    assert kept.source is None
    assert [c.source for c in selectors.card_list(user=cast.member)] == [None]
    page = client_for(cast.member).get(reverse("learning:cards")).content.decode()
    assert "Who do we page?" in page and note.get_absolute_url() not in page
    assert "Page the owner of the dashboard" not in page
