from html.parser import HTMLParser

import pytest
from django.db import transaction
from django.test import Client

from practica.core import events
from practica.core.markdown import render, to_text
from practica.core.pagination import InvalidCursor, paginate


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _tags(html: str) -> list[tuple[str, dict]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "<img src=x onerror=alert(1)>",
        "![a](data:text/html;base64,PHNjcmlwdD4=)",
        '<a href="https://a.example" onclick="evil()">x</a>',
        "<iframe src=https://evil.example></iframe>",
        "<style>body{display:none}</style>",
        "[x](vbscript:msgbox)",
    ],
)
def test_markdown_output_is_sanitised(source):
    for tag, attrs in _tags(render(source)):
        assert tag not in {"script", "iframe", "style", "object", "embed"}
        assert not any(name.startswith("on") for name in attrs)
        for url in (attrs.get("href"), attrs.get("src")):
            assert (
                url is None
                or url.split(":")[0].lower() in {"http", "https", "mailto"}
                or ":" not in url
            )


def test_raw_html_is_shown_as_text_not_obeyed():
    assert render("<b>hi</b>") == "<p>&lt;b&gt;hi&lt;/b&gt;</p>\n"


def test_markdown_renders_commonmark_tables_and_task_lists():
    html = render("| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n- [ ] todo\n\n~~old~~")
    assert "<table>" in html and "<td>1</td>" in html
    assert 'type="checkbox"' in html and "checked" in html
    assert "<del>old</del>" in html or "<s>old</s>" in html


def test_links_get_nofollow_ugc_noopener():
    assert 'rel="nofollow ugc noopener"' in render("[a](https://example.com)")


def test_to_text_strips_markup_and_shortens():
    assert to_text("**Bold** and _it_", limit=100) == "Bold and it"
    assert to_text("word " * 100, limit=20).endswith("…")


def test_security_headers_are_on_every_page(db):
    response = Client().get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_pages_have_no_inline_scripts(db, user_factory):
    from tests.conftest import client_for

    body = client_for(user_factory()).get("/communities/").content.decode()
    import re

    scripts = re.findall(r"<script([^>]*)>", body)
    assert scripts and all("src=" in attrs for attrs in scripts)


def test_every_asset_is_served_locally(db):
    body = Client().get("/").content.decode()
    assert "http://" not in body.replace("http://testserver", "")
    assert "https://" not in body


def test_healthz_is_trivial(db):
    response = Client().get("/healthz")
    assert response.content == b"ok"


def test_friendly_404_page(db):
    response = Client().get("/no/such/page/")
    assert response.status_code == 404
    assert "We couldn't find that page" in response.content.decode()


def test_friendly_500_page(db, settings):
    from django.urls import path

    def boom(request):
        raise RuntimeError("boom")

    settings.ROOT_URLCONF = type(
        "urls",
        (),
        {"urlpatterns": [path("boom", boom)], "handler500": "practica.core.views.error_500"},
    )
    client = Client(raise_request_exception=False)
    response = client.get("/boom")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong on our side" in body
    assert "boom" not in body


def test_pagination_rejects_a_forged_cursor(cast_factory):
    from practica.communities.models import Community

    with pytest.raises(InvalidCursor):
        paginate(Community.objects.all(), order=("name", "id"), cursor="WyJhIl0")  # ["a"]
    with pytest.raises(InvalidCursor):
        paginate(
            Community.objects.all(), order=("created_at", "id"), cursor="WyJub3QgYSBkYXRlIiwgMV0"
        )  # ["not a date", 1]


def test_pagination_descending_order_walks_every_row_once(community_factory):
    from practica.communities.models import Community

    for _ in range(7):
        community_factory()
    seen, cursor = [], None
    while True:
        page = paginate(
            Community.objects.all(), order=("-created_at", "-id"), cursor=cursor, limit=3
        )
        seen += [c.pk for c in page.items]
        cursor = page.next_cursor
        if not cursor:
            break
    assert seen == list(
        Community.objects.order_by("-created_at", "-id").values_list("pk", flat=True)
    )


def test_events_are_delivered_after_commit_and_not_after_rollback(
    db, django_capture_on_commit_callbacks
):
    received = []

    def listener(name, payload):
        received.append((name, payload))

    events.subscribe("thing.happened", listener)
    try:
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            events.publish("thing.happened", thing_id=1)
            assert received == []
        assert received == [("thing.happened", {"thing_id": 1})]
        with django_capture_on_commit_callbacks(execute=True):
            try:
                with transaction.atomic():
                    events.publish("thing.happened", thing_id=2)
                    raise RuntimeError
            except RuntimeError:
                pass
        assert received == [("thing.happened", {"thing_id": 1})]
    finally:
        events.unsubscribe("thing.happened", listener)


def test_a_failing_subscriber_does_not_stop_the_others(db, django_capture_on_commit_callbacks):
    received = []

    def broken(name, payload):
        raise ValueError("broken")

    def fine(name, payload):
        received.append(name)

    events.subscribe("x.y", broken)
    events.subscribe("x.y", fine)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            events.publish("x.y")
        assert received == ["x.y"]
    finally:
        events.unsubscribe("x.y", broken)
        events.unsubscribe("x.y", fine)


def test_rate_limits_refuse_past_the_limit_and_can_be_suspended_for_loaders(settings):
    from practica.core import ratelimit

    settings.PRACTICA_RATE_LIMITS = {"post": (2, 600)}
    ratelimit.hit("post", "someone")
    ratelimit.hit("post", "someone")
    with pytest.raises(ratelimit.RateLimited) as exc:
        ratelimit.hit("post", "someone")
    assert exc.value.retry_after > 0
    with ratelimit.suspended():
        ratelimit.hit("post", "someone")  # a loader writing on people's behalf
    with pytest.raises(ratelimit.RateLimited):
        ratelimit.hit("post", "someone")


def test_rate_limits_slide_across_a_window_boundary(settings, monkeypatch):
    """Hits just before a window ends still count just after it: a fixed window would let twice
    the limit through there. A refused hit is not counted, and the wait it names is enough."""
    from practica.core import ratelimit

    settings.PRACTICA_RATE_LIMITS = {"vote": (3, 60)}
    clock = [60 * 1000 + 59.9]
    monkeypatch.setattr(ratelimit.time, "time", lambda: clock[0])
    for _ in range(3):
        ratelimit.hit("vote", "someone")
    clock[0] += 0.2  # into the next window
    with pytest.raises(ratelimit.RateLimited) as exc:
        ratelimit.hit("vote", "someone")
    clock[0] += exc.value.retry_after - 1
    with pytest.raises(ratelimit.RateLimited):
        ratelimit.hit("vote", "someone")
    clock[0] += 1
    ratelimit.hit("vote", "someone")
    with pytest.raises(ratelimit.RateLimited):
        ratelimit.hit("vote", "someone")


@pytest.mark.django_db
def test_nul_characters_get_a_clear_400_before_any_view_reads_them(client):
    """PostgreSQL cannot compare text with NUL in it: a search for one failed with a 500."""
    api = client.get("/api/v1/search", {"q": "a\x00b"})
    assert api.status_code == 400
    assert api.json()["message"] == "Text may not contain NUL characters (\\u0000)."
    assert (
        client.get("/api/v1/people/experts", {"topic": "x", "community": "\x00"}).status_code == 400
    )
    body = client.post(
        "/api/v1/communities", data='{"name": "a\\u0000b"}', content_type="application/json"
    )
    assert body.status_code == 400 and "NUL" in body.json()["message"]
    page = client.get("/search/", {"q": "\x00"})
    assert page.status_code == 400 and b"That request did not make sense" in page.content
    assert client.get("/healthz", {"q": "fine"}).status_code == 200
