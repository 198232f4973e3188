"""A live session in real browsers: a moderator and two participants. The moderator schedules a
session and starts it; the participants submit and upvote questions and see each other's changes
arrive without reloading (through the session's event stream); the moderator merges duplicates,
pins one, marks it answered, writes a note that appears live, ends the session, publishes the
synthesis as a discussion and moves the remaining question to Q&A.

The site runs under uvicorn (ASGI) for this test, so the WebSocket stream works as in production.
Screenshots of each step go to test-results/live-*.png.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from practica.communities.models import Role
from practica.discussions.models import Thread
from practica.live.models import LiveQuestion, LiveSession

PASSWORD = "quiet-lantern-harbour-42"
LIVE_MS = 3_000  # a change made in one browser shows in the others well within this


class _Server:
    def __init__(self, url: str) -> None:
        self.url = url


@pytest.fixture
def site(settings, transactional_db):
    """The site under uvicorn (HTTP and WebSocket) in a thread, on a free port."""
    import uvicorn

    from practica.config.asgi import application, django_asgi

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    settings.SITE_URL = url
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
    settings.CSRF_TRUSTED_ORIGINS = [url]
    server = uvicorn.Server(
        uvicorn.Config(
            application, host="127.0.0.1", port=port, log_level="warning", lifespan="off"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield _Server(url)
    server.should_exit = True
    thread.join(timeout=10)
    django_asgi.close_connections()  # its pool threads keep connections: the test database goes


def sign_in(person, email: str) -> None:
    page = person.page
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/$"))


def question(page, text: str):
    return page.locator(".live-q", has_text=text)


def test_a_live_session_from_schedule_to_synthesis(
    person, user_factory, community_factory, add_member
):
    fay = user_factory("Fay Facilitator", email="fay@example.test", password=PASSWORD)
    pat = user_factory("Pat Participant", email="pat@example.test", password=PASSWORD)
    mo = user_factory("Mo Member", email="mo@example.test", password=PASSWORD)
    guild = community_factory(owner=fay, name="Platform Guild", visibility="private")
    add_member(guild, pat)
    add_member(guild, mo, Role.MEMBER)

    moderator, p1, p2 = person("Fay"), person("Pat"), person("Mo")
    for who, email in ((moderator, "fay@example.test"), (p1, "pat@example.test"),
                       (p2, "mo@example.test")):  # fmt: skip
        sign_in(who, email)

    # --- The facilitator schedules the session in her time zone, then starts it. ---------------
    page = moderator.page
    page.goto(f"/c/{guild.slug}/live/")
    page.get_by_role("link", name="Schedule a session").first.click()
    paris = ZoneInfo("Europe/Paris")
    start = (timezone.now() + timedelta(minutes=30)).astimezone(paris)
    page.get_by_label("Title").fill("Deploys without fear: live Q&A")
    page.get_by_label("Description").fill("Bring your **rollback** stories.")
    page.get_by_label("Starts", exact=True).fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Ends", exact=True).fill(
        (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    )
    page.get_by_label("Time zone").select_option("Europe/Paris")
    page.get_by_label("Allow anonymous questions").check()
    page.get_by_role("button", name="Schedule").click()
    expect(page.locator(".message--success")).to_contain_text("The session is scheduled")
    session = LiveSession.objects.get()
    assert session.starts_at.astimezone(paris).strftime("%H:%M") == start.strftime("%H:%M")
    page.get_by_role("button", name="Start now").click()
    expect(page.locator(".live-head .badge--live")).to_have_text("Live now")
    moderator.snapshot("live-1-started")

    url = session.get_absolute_url()
    for who in (p1, p2):
        who.page.goto(url)
        expect(who.page.locator("#live")).to_have_attribute("data-stream-state", "open")
    expect(page.locator("#live")).to_have_attribute("data-stream-state", "open")
    expect(page.locator("[data-presence-count]").first).to_have_text("3", timeout=LIVE_MS)

    # --- Participants ask; everyone sees the questions arrive. ----------------------------------
    def ask(who, text: str, anonymous: bool = False) -> None:
        who.page.get_by_label("Your question").fill(text)
        if anonymous:
            who.page.get_by_label("Ask anonymously").check()
        who.page.get_by_role("button", name="Send question").click()
        expect(question(who.page, text)).to_be_visible()
        expect(who.page.get_by_label("Your question")).to_have_value("")  # a fresh form

    ask(p1, "How do we roll back a failed deploy?")
    expect(question(p2.page, "How do we roll back a failed deploy?")).to_be_visible(timeout=LIVE_MS)
    ask(p2, "How to roll back a deployment?")
    ask(p2, "Who is on call this weekend?", anonymous=True)
    expect(question(p1.page, "Who is on call this weekend?")).to_contain_text(
        "Anonymous", timeout=LIVE_MS
    )
    expect(question(page, "Who is on call this weekend?")).not_to_contain_text("Mo Member")

    # --- Upvotes show live in the other browsers. ----------------------------------------------
    question(p1.page, "Who is on call").get_by_role("button", name="Upvote").click()
    expect(question(p2.page, "Who is on call").locator("[data-slot=votes]")).to_have_text(
        "1", timeout=LIVE_MS
    )
    question(p1.page, "How to roll back a deployment?").get_by_role("button", name="Upvote").click()
    question(p2.page, "How do we roll back a failed").get_by_role("button", name="Upvote").click()
    expect(question(p1.page, "How do we roll back a failed").locator("[data-slot=votes]")
           ).to_have_text("1", timeout=LIVE_MS)  # fmt: skip
    p1.snapshot("live-2-participant-queue")

    # --- The moderator merges the duplicates: the duplicate disappears everywhere. -------------
    page.reload()
    question(page, "How do we roll back a failed deploy?").get_by_label("Merge").check()
    question(page, "How to roll back a deployment?").get_by_label("Merge").check()
    page.get_by_role("button", name="Merge selected").click()
    expect(question(page, "How to roll back a deployment?")).to_have_count(0)
    expect(question(p1.page, "How to roll back a deployment?")).to_have_count(0, timeout=LIVE_MS)
    expect(question(p2.page, "How to roll back a deployment?")).to_have_count(0, timeout=LIVE_MS)
    # Pat wrote the question that stayed and Mo had upvoted it: nobody counts twice.
    kept = LiveQuestion.objects.get(body="How do we roll back a failed deploy?")
    assert kept.votes == 1

    # --- Pin, then mark answered with a written answer. ----------------------------------------
    question(page, "Who is on call").get_by_role("button", name="Pin").click()
    expect(p1.page.locator("#live-pinned")).to_contain_text("Who is on call", timeout=LIVE_MS)
    expect(p2.page.locator("#live-now")).not_to_have_class(re.compile("is-empty"), timeout=LIVE_MS)
    p2.snapshot("live-3-pinned")
    pinned = page.locator("#live-pinned .live-q")
    pinned.get_by_text("Answered…").click()
    pinned.get_by_label("Written answer").fill("Kofi is on call; the rota is in the wiki.")
    pinned.get_by_role("button", name="Mark answered").click()
    expect(p1.page.locator("#live-answered")).to_contain_text(
        "the rota is in the wiki", timeout=LIVE_MS
    )
    expect(p1.page.locator("#live-pinned .live-q")).to_have_count(0, timeout=LIVE_MS)

    # --- A note appears live. ------------------------------------------------------------------
    page.get_by_label("Note", exact=True).fill(
        "Rollbacks: `kubectl rollout undo` is safe mid-rollout."
    )
    page.get_by_role("button", name="Post note").click()
    expect(p2.page.locator("#live-note-list")).to_contain_text(
        "kubectl rollout undo", timeout=LIVE_MS
    )
    moderator.snapshot("live-4-moderator")
    p2.snapshot("live-5-participant-notes")

    # --- The host ends the session; the participants' pages follow. -----------------------------
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="End session").click()
    expect(page.locator(".live-after")).to_be_visible()
    for who in (p1, p2):
        expect(who.page.locator(".live-head [data-slot=status]")).to_have_text(
            "Ended", timeout=LIVE_MS
        )

    # --- The synthesis becomes a discussion, linked both ways. ----------------------------------
    page.get_by_role("link", name="Write and publish the synthesis").click()
    expect(page.get_by_label("Synthesis")).to_contain_text("kubectl rollout undo")
    page.get_by_role("button", name="Publish as a discussion").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Synthesis: Deploys without fear: live Q&A"
    )
    expect(page.locator(".post__body")).to_contain_text("the rota is in the wiki")
    moderator.snapshot("live-6-synthesis")

    # --- The open question moves to Q&A with its asker. -----------------------------------------
    page.goto(url)
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name=re.compile("Move 1 open question to Q&A")).click()
    expect(page.locator(".message--success")).to_contain_text("1 question moved to Q&A")
    moved = Thread.objects.get(title="How do we roll back a failed deploy?")
    assert moved.author == pat
    p1.page.goto(moved.get_absolute_url())
    expect(p1.page.get_by_role("heading", level=1)).to_have_text(moved.title)
    p1.snapshot("live-7-moved-to-qa")
