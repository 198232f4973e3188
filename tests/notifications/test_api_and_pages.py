"""The notifications API and pages: lists, reading, preferences, webhooks and deliveries; query
counts that do not grow with the page; field errors that change nothing."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from practica.discussions import services as discussions
from practica.notifications import services
from practica.notifications.models import Delivery, Notification, Preference, Webhook
from tests.conftest import Api, client_for


def _answers(scene, committed, n: int) -> None:
    """n answers, each on a question of its own, so Asha gets n separate notifications."""
    with committed():
        for i in range(n):
            thread = discussions.thread_create(
                author=scene.asha, community=scene.community, title=f"Question number {i}",
                body="Why?",
            )  # fmt: skip
            discussions.answer_create(author=scene.ben, thread=thread, body=f"Because {i}.")


def test_the_api_lists_filters_and_marks_read(scene, committed):
    _answers(scene, committed, 3)
    api = Api(scene.asha)
    body = api.get("/notifications").json()
    assert body["unread_count"] == 3 and len(body["items"]) == 3
    first = body["items"][0]
    assert {"id", "url", "kind", "text", "unread"} <= set(first)
    assert first["url"].startswith("http://testserver/c/")
    page = api.get("/notifications", limit=2).json()
    assert len(page["items"]) == 2 and page["next_cursor"]
    rest = api.get("/notifications", limit=2, cursor=page["next_cursor"]).json()
    assert len(rest["items"]) == 1
    assert api.get("/notifications", cursor="garbage").status_code == 400
    marked = api.post("/notifications/read", {"ids": [first["id"]]}).json()
    assert marked == {"marked": 1, "unread_count": 2}
    assert len(api.get("/notifications", unread="true").json()["items"]) == 2
    # Another person's ids change nothing.
    assert (
        Api(scene.ben).post("/notifications/read", {"ids": [first["id"] + 1]}).json()["marked"] == 0
    )
    assert api.post("/notifications/read", {}).json() == {"marked": 2, "unread_count": 0}


def test_preferences_round_trip_and_bad_input_names_the_field(scene):
    api = Api(scene.asha)
    got = api.get("/me/preferences").json()
    assert got["id"] == scene.asha.pk and got["url"].endswith("/notifications/preferences/")
    assert got["channels"]["mention"] == ["in_app", "email"] and got["digest"] == "weekly"
    assert got["communities"][0]["slug"] == scene.community.slug
    put = api._do(
        "put", "/me/preferences",
        json={"digest": "daily", "channels": {"mention": ["in_app"]}, "quiet_start": "22:00",
              "quiet_end": "07:00", "timezone": "Europe/Paris",
              "communities": [{"slug": scene.community.slug, "level": "watch"}]},
    )  # fmt: skip
    assert put.status_code == 200, put.content
    data = put.json()
    assert data["digest"] == "daily" and data["channels"]["mention"] == ["in_app"]
    assert data["quiet_start"] == "22:00" and data["communities"][0]["level"] == "watch"
    before = list(Preference.objects.values())
    for bad, field in (
        ({"channels": {"answer.followed": ["email"]}}, "channels"),
        ({"timezone": "Nowhere/Land"}, "timezone"),
        ({"digest": "hourly"}, "digest"),
        ({"communities": [{"slug": scene.community.slug, "level": "loud"}]}, "communities.0.level"),
    ):
        response = api._do("put", "/me/preferences", json=bad)
        assert response.status_code == 422, bad
        assert response.json()["errors"][0]["field"] == field
    assert list(Preference.objects.values()) == before


def test_webhooks_over_the_api(scene, settings):
    settings.PRACTICA_NETGUARD_ALLOW_HOSTS = ["127.0.0.1"]
    api = Api(scene.fay)
    made = api.post(
        f"/communities/{scene.community.slug}/webhooks",
        {"target": "http://127.0.0.1:9/hook", "events": ["question.asked"]},
    )
    assert made.status_code == 201, made.content
    hook = made.json()
    assert hook["secret"].startswith("whsec_") and hook["url"].startswith("http://testserver/c/")
    listed = api.get(f"/communities/{scene.community.slug}/webhooks").json()
    assert [h["id"] for h in listed] == [hook["id"]] and "secret" not in listed[0]
    patched = api.patch(f"/webhooks/{hook['id']}", {"active": False, "format": "slack"}).json()
    assert patched["active"] is False and patched["format"] == "slack"
    bad = api.patch(f"/webhooks/{hook['id']}", {"target": "http://10.0.0.1/"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "url"
    delivery = Delivery.objects.create(
        webhook_id=hook["id"], event="question.asked", payload={"event": "question.asked"}
    )
    page = api.get(f"/webhooks/{hook['id']}/deliveries").json()
    assert page["items"][0]["id"] == delivery.pk and page["items"][0]["url"].endswith(
        f"#delivery-{delivery.pk}"
    )
    again = api.post(f"/webhook-deliveries/{delivery.pk}/redeliver")
    assert again.status_code == 201 and again.json()["id"] != delivery.pk
    # A plain member does not learn the webhook exists.
    assert Api(scene.asha).get(f"/webhooks/{hook['id']}/deliveries").status_code == 404
    assert api.delete(f"/webhooks/{hook['id']}").status_code == 204
    assert not Webhook.objects.exists()


def test_the_bell_is_one_count_query_and_shows_the_number(scene, committed):
    _answers(scene, committed, 2)
    client = client_for(scene.asha)
    client.get("/notifications/count/")  # warm the session
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/notifications/count/")
    counts = [
        q["sql"] for q in queries.captured_queries if "notifications_notification" in q["sql"]
    ]
    assert len(counts) == 1 and "COUNT" in counts[0].upper()
    assert b'data-testid="bell-count">2<' in response.content
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize("htmx", [False, True])
def test_the_notifications_page_does_not_grow_in_queries(scene, committed, htmx):
    headers = {"HX-Request": "true"} if htmx else {}
    client = client_for(scene.asha)
    _answers(scene, committed, 2)
    client.get("/notifications/")
    with CaptureQueriesContext(connection) as few:
        small = client.get("/notifications/", headers=headers)
    _answers(scene, committed, 8)
    with CaptureQueriesContext(connection) as many:
        large = client.get("/notifications/", headers=headers)
    assert small.status_code == large.status_code == 200
    assert large.content.count(b'class="notification ') == 10
    assert len(many) == len(few)
    assert (b"<html" in large.content) is not htmx


def test_opening_a_notification_marks_it_read_and_goes_to_the_thing(scene, committed):
    _answers(scene, committed, 1)
    n = Notification.objects.get(recipient=scene.asha)
    client = client_for(scene.asha)
    response = client.post(f"/notifications/{n.pk}/read/")
    assert response.status_code == 302 and response["Location"] == n.url
    assert Notification.objects.get(pk=n.pk).read_at is not None
    assert client_for(scene.ben).post(f"/notifications/{n.pk}/read/").status_code == 404


def test_the_preferences_page_saves_and_shows_field_errors(scene):
    client = client_for(scene.asha)
    page = client.get("/notifications/preferences/")
    assert page.status_code == 200 and b"Answers to my questions" in page.content
    form = {"digest": "daily", "timezone": "UTC", "mention__in_app": "on", "mention__email": "on"}
    assert client.post("/notifications/preferences/", form).status_code == 302
    pref = Preference.objects.get(user=scene.asha)
    assert pref.digest == "daily" and pref.channels["answer.on_mine"] == []
    bad = client.post(
        "/notifications/preferences/", {**form, "digest": "weekly", "quiet_start": "22:00"}
    )
    assert bad.status_code == 400 and b"Give both the start and the end" in bad.content
    assert Preference.objects.get(user=scene.asha).digest == "daily"
    levels = client.post(
        "/notifications/preferences/communities/", {f"level-{scene.community.pk}": "mute"}
    )
    assert levels.status_code == 302
    assert services.preference_update  # the page goes through the service
    from practica.notifications.models import CommunityLevel

    assert CommunityLevel.objects.get(user=scene.asha).level == "mute"


def test_the_webhook_pages_show_the_secret_once(scene, settings):
    settings.PRACTICA_NETGUARD_ALLOW_HOSTS = ["127.0.0.1"]
    client = client_for(scene.fay)
    url = f"/c/{scene.community.slug}/webhooks/"
    assert client.get(url).status_code == 200
    bad = client.post(
        url, {"url": "http://10.0.0.1/", "events": ["question.asked"], "format": "json"}
    )
    assert bad.status_code == 400 and not Webhook.objects.exists()
    made = client.post(
        url, {"url": "http://127.0.0.1:9/x", "events": ["question.asked"], "format": "json",
              "active": "on"},
    )  # fmt: skip
    hook = Webhook.objects.get()
    assert made.status_code == 201 and hook.secret.encode() in made.content
    detail = client.get(f"{url}{hook.pk}/")
    assert detail.status_code == 200 and hook.secret.encode() not in detail.content
    assert hook.secret.encode() not in client.get(url).content
    manage = client.get(f"/c/{scene.community.slug}/manage/")
    assert b"Manage webhooks" in manage.content
