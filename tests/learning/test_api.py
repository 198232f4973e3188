"""The learning API, through its routes."""

import pytest

from practica.accounts.services import user_profile_update
from practica.learning import services
from practica.learning.models import Card, ReviewLog


def test_cards_create_list_patch_delete(qa, api_for):
    api = api_for(qa.outsider)
    made = api.post(
        "/cards",
        {
            "prompt": "Blameless?",
            "point": "System, not person.",
            "source_kind": "answer",
            "source_id": qa.answer.pk,
        },
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["id"] and body["url"].endswith(f"/learn/cards/{body['id']}/")
    assert body["source"]["url"].endswith(f"#answer-{qa.answer.pk}") and body["state"] == "new"
    assert [c["id"] for c in api.get("/cards").json()["items"]] == [body["id"]]
    patched = api.patch(
        f"/cards/{body['id']}", {"point": "Look at the *system*.", "suspended": True}
    )
    assert patched.status_code == 200
    assert patched.json()["suspended"] is True and "<em>system</em>" in patched.json()["point_html"]
    assert api.delete(f"/cards/{body['id']}").status_code == 204
    assert not Card.objects.exists()


def test_card_create_names_the_bad_fields(db, user_factory, api_for):
    response = api_for(user_factory()).post("/cards", {"prompt": " ", "point": ""})
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"prompt", "point"}


def test_review_flow_with_a_retry_and_bad_ratings(db, user_factory, card_factory, api_for):
    owner = user_factory()
    card = card_factory(owner)
    api = api_for(owner)
    due = api.get("/reviews/due").json()
    assert due["count"] == 1 and due["cards"][0]["id"] == card.pk
    for bad in (0, 5, "good"):
        refused = api.post(f"/cards/{card.pk}/review", {"rating": bad})
        assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "rating"
    done = api.post(f"/cards/{card.pk}/review", {"rating": 3, "review_number": 0})
    assert done.status_code == 200 and done.json()["reps"] == 1
    retry = api.post(f"/cards/{card.pk}/review", {"rating": 3, "review_number": 0})
    assert retry.status_code == 409 and retry.json()["errors"][0]["field"] == "review_number"
    assert ReviewLog.objects.count() == 1


def test_reviewing_someone_elses_card_is_404(db, user_factory, card_factory, api_for):
    card = card_factory(user_factory())
    response = api_for(user_factory()).post(f"/cards/{card.pk}/review", {"rating": 3})
    assert response.status_code == 404
    card.refresh_from_db()
    assert card.reps == 0


def test_card_sets_publish_list_and_adopt_once(cast_factory, api_for):
    cast = cast_factory("public")
    made = api_for(cast.facilitator).post(
        f"/communities/{cast.community.slug}/card-sets",
        {"title": "Session", "cards": [{"prompt": "Why?", "point": "Because."}]},
    )
    assert made.status_code == 201, made.content
    set_id = made.json()["id"]
    listed = api_for(cast.member).get(f"/communities/{cast.community.slug}/card-sets").json()
    assert [s["id"] for s in listed["items"]] == [set_id]
    api = api_for(cast.member)
    assert api.post(f"/card-sets/{set_id}/adopt").json()["added"] == 1
    assert api.post(f"/card-sets/{set_id}/adopt").json()["added"] == 0


def test_practice_log_shared_with_a_community(qa, api_for):
    api = api_for(qa.member)
    made = api.post(
        "/practice-log",
        {
            "tried": "Ran a blameless review",
            "happened": "It went well.",
            "visibility": "community",
            "community": qa.community.slug,
        },
    )
    assert made.status_code == 201, made.content
    assert made.json()["thread_url"] and made.json()["url"]
    assert api.get("/practice-log").json()["items"][0]["tried"] == "Ran a blameless review"
    refused = api.post("/practice-log", {"tried": "x", "visibility": "community"})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "community"


def test_journal_draft_save_send_and_the_managers_list(db, user_factory, api_for):
    manager, person = user_factory("Maya"), user_factory("Rene")
    user_profile_update(user=person, name=person.name, manager=manager)
    api = api_for(person)
    draft = api.get("/journal/weeks/2026-48").json()
    assert draft["id"] is None and draft["saved"] is False and "What I learned" in draft["body"]
    assert api.post("/journal/weeks/2026-48/send").status_code == 422
    saved = api.post("/journal/weeks/2026-48", {"body": "Drains."}).json()
    assert saved["saved"] and saved["id"] and saved["sent_at"] is None
    assert api_for(manager).get("/reports/journal").json()["items"] == []
    sent = api.post("/journal/weeks/2026-48/send").json()
    assert sent["sent_to"]["id"] == manager.pk
    reports = api_for(manager).get("/reports/journal").json()["items"]
    assert [(j["id"], j["person"]["id"]) for j in reports] == [(saved["id"], person.pk)]
    assert reports[0]["url"].endswith(f"/learn/reports/{saved['id']}/")


@pytest.mark.parametrize("week", ["2026-54", "26-01", "2026-1"])
def test_bad_weeks_are_refused(db, user_factory, api_for, week):
    response = api_for(user_factory()).get(f"/journal/weeks/{week}")
    assert response.status_code == 422


def test_a_stranger_does_not_see_a_journal_in_reports(db, user_factory, api_for):
    manager, person, stranger = user_factory(), user_factory(), user_factory()
    user_profile_update(user=person, name=person.name, manager=manager)
    services.journal_save(user=person, week="2026-10", body="Mine.")
    services.journal_send(user=person, week="2026-10")
    assert api_for(stranger).get("/reports/journal").json()["items"] == []
