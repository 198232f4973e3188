"""The learning pages over HTTP, with and without htmx."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from practica.accounts.services import user_profile_update
from practica.learning.models import Card, JournalReply, PracticeEntry, ReviewLog
from tests.conftest import client_for

HX = {"HTTP_HX_REQUEST": "true"}


def test_keep_this_link_is_on_answers_threads_and_comments(qa):
    from practica.discussions import services as discussions

    discussions.comment_create(author=qa.member, thread=qa.question, body="Same here.")
    page = client_for(qa.member).get(qa.question.get_absolute_url()).content.decode()
    for kind in ("thread", "answer", "comment"):
        assert re.search(rf'/learn/keep/\?kind={kind}&amp;id=\d+"[^>]*>Keep this', page), kind


def test_keep_page_prefills_from_the_answer_and_goes_back_there(qa):
    client = client_for(qa.member)
    url = f"{reverse('learning:keep')}?kind=answer&id={qa.answer.pk}"
    page = client.get(url)
    assert page.status_code == 200
    assert 'value="How do we run a blameless review?"' in page.content.decode()
    assert "<strong>what</strong>" in page.content.decode()  # the quote, rendered
    done = client.post(
        reverse("learning:keep"),
        {"kind": "answer", "id": qa.answer.pk, "prompt": "Blameless?", "point": "System."},
    )
    assert done.status_code == 302 and done["Location"] == qa.answer.get_absolute_url()
    assert Card.objects.get().source_id == qa.answer.pk


def test_keep_with_empty_fields_shows_errors_and_keeps_nothing(db, user_factory):
    client = client_for(user_factory())
    response = client.post(reverse("learning:keep"), {"prompt": "", "point": ""})
    assert response.status_code == 400
    assert b"Write the prompt." in response.content and not Card.objects.exists()
    fragment = client.post(reverse("learning:keep"), {"prompt": "", "point": ""}, **HX)
    assert fragment.status_code == 400
    assert fragment.content.decode().lstrip().startswith('<form id="keep-form"')


def test_review_page_reveals_and_rates_without_javascript(db, user_factory, card_factory):
    owner = user_factory()
    card = card_factory(owner, prompt="Why drain nodes?", point="To move **pods**.")
    client = client_for(owner)
    page = client.get(reverse("learning:review")).content.decode()
    assert "Why drain nodes?" in page and "<strong>pods</strong>" not in page
    shown = client.get(reverse("learning:review"), {"reveal": card.pk}).content.decode()
    assert "<strong>pods</strong>" in shown and 'data-rating="4"' in shown
    done = client.post(reverse("learning:review_submit", args=[card.pk]), {"rating": 3, "n": 0})
    assert done.status_code == 302
    assert Card.objects.get().reps == 1
    again = client.post(reverse("learning:review_submit", args=[card.pk]), {"rating": 3, "n": 0})
    assert again.status_code == 302 and ReviewLog.objects.count() == 1


def test_review_with_htmx_swaps_the_panel(db, user_factory, card_factory):
    owner = user_factory()
    first = card_factory(owner, prompt="First prompt")
    card_factory(owner, prompt="Second prompt")
    client = client_for(owner)
    shown = client.get(reverse("learning:review"), {"reveal": first.pk}, **HX).content.decode()
    assert shown.lstrip().startswith('<section id="review"') and "<html" not in shown
    after = client.post(
        reverse("learning:review_submit", args=[first.pk]), {"rating": 4, "n": 0}, **HX
    ).content.decode()
    assert "Second prompt" in after and "<html" not in after


def test_a_bad_rating_is_refused_on_the_page(db, user_factory, card_factory):
    owner = user_factory()
    card = card_factory(owner)
    response = client_for(owner).post(
        reverse("learning:review_submit", args=[card.pk]), {"rating": 7, "n": 0}
    )
    assert response.status_code == 400 and not ReviewLog.objects.exists()


def test_the_home_page_shows_what_is_due(db, user_factory, card_factory):
    owner = user_factory()
    card_factory(owner)
    card_factory(owner, prompt="Another")
    page = client_for(owner).get("/").content.decode()
    assert re.search(r"<strong>2</strong> cards to review today", page)
    assert "cards you keep" in page


def test_the_cards_page_keeps_a_constant_number_of_queries(qa, card_factory):
    def count() -> int:
        client = client_for(qa.member)
        client.get(reverse("learning:cards"))  # sessions and caches warm
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("learning:cards")).status_code == 200
        return len(ctx.captured_queries)

    card_factory(qa.member, source_kind="answer", source_id=qa.answer.pk)
    card_factory(qa.member, source_kind="thread", source_id=qa.question.pk)
    few = count()
    for i in range(8):
        card_factory(qa.member, prompt=f"Card {i}", source_kind="thread", source_id=qa.question.pk)
    assert count() == few


def test_practice_shared_with_the_community_links_the_discussion(qa):
    client = client_for(qa.member)
    response = client.post(
        reverse("learning:practice"),
        {
            "tried": "Ran a blameless review",
            "happened": "Calm.",
            "visibility": "community",
            "community": qa.community.slug,
        },
    )
    assert response.status_code == 302
    entry = PracticeEntry.objects.get()
    page = client.get(reverse("learning:practice")).content.decode()
    assert f"/t/{entry.thread_id}/" in page


def test_practice_errors_are_on_their_fields(db, user_factory):
    response = client_for(user_factory()).post(
        reverse("learning:practice"), {"tried": "", "visibility": "manager"}
    )
    assert response.status_code == 400
    assert b"Write what you tried." in response.content
    assert not PracticeEntry.objects.exists()


def test_the_journal_goes_to_the_manager_who_replies(db, user_factory):
    manager, person = user_factory("Maya Manager"), user_factory("Rene Report")
    user_profile_update(user=person, name=person.name, manager=manager)
    client = client_for(person)
    week_url = reverse("learning:journal_week", args=["2026-48"])
    assert "What I learned" in client.get(week_url).content.decode()
    client.post(week_url, {"body": "I learned about drains."})
    client.post(reverse("learning:journal_send", args=["2026-48"]))
    boss = client_for(manager)
    listing = boss.get(reverse("learning:reports")).content.decode()
    assert "Rene Report" in listing and "week 2026-48" in listing
    journal_url = re.search(r'href="(/learn/reports/\d+/)"', listing).group(1)
    assert "I learned about drains." in boss.get(journal_url).content.decode()
    reply = boss.post(journal_url + "reply/", {"body": "Nice."}, **HX)
    assert reply.status_code == 200 and "Nice." in reply.content.decode()
    assert JournalReply.objects.get().author == manager
    assert "Nice." in client.get(week_url).content.decode()


def test_a_bad_week_is_404(db, user_factory):
    response = client_for(user_factory()).get("/learn/journal/2026-99/")
    assert response.status_code == 404


def test_card_sets_page_publishes_and_adopts(cast_factory):
    cast = cast_factory("public")
    url = reverse("learning:card_sets", args=[cast.community.slug])
    published = client_for(cast.facilitator).post(
        url, {"title": "Session", "cards": "Why drain?\nTo move pods.\n\nWhat is a PDB?\nA budget."}
    )
    assert published.status_code == 302
    member = client_for(cast.member)
    set_url = published["Location"]
    adopt = member.post(set_url + "adopt/", **HX)
    assert adopt.status_code == 200 and "In your review" in adopt.content.decode()
    assert Card.objects.filter(owner=cast.member).count() == 2
    assert "Publish a card set" not in member.get(url).content.decode()
    again = member.post(set_url + "adopt/")
    assert again.status_code == 302 and Card.objects.filter(owner=cast.member).count() == 2
