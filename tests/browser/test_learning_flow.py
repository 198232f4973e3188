"""Slow learning in a real browser, on a phone-sized screen: a member keeps a takeaway from an
accepted answer, adopts the facilitator's card set, reviews the due cards with the four ratings,
logs a practice change shared with the community, and sends the week's journal to their manager,
who reads it (on a desktop) and replies.

Screenshots of each step go to test-results/learning-*.png.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from practica.accounts.services import user_profile_update
from practica.communities.models import Community, Role
from practica.discussions import services as discussions
from practica.learning import services as learning
from practica.learning.models import Card, JournalReply, PracticeEntry, ReviewLog

PASSWORD = "quiet-lantern-harbour-42"
PHONE = {"width": 390, "height": 844}


def sign_in(person, *, email: str) -> None:
    page = person.page
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/$"))


def seed(community_factory, user_factory, add_member):
    olive = user_factory("Olive Owner", email="olive@example.test", password=PASSWORD)
    guild = community_factory(
        owner=olive, name="Platform Guild", visibility="private", join_policy="request"
    )
    Community.objects.filter(pk=guild.pk).update(purpose="We run the platform together.")
    guild.refresh_from_db()
    fay = user_factory("Fay Facilitator", email="fay@example.test", password=PASSWORD)
    mo = user_factory("Mo Member", email="mo@example.test", password=PASSWORD)
    maya = user_factory("Maya Manager", email="maya@example.test", password=PASSWORD)
    add_member(guild, fay, Role.FACILITATOR)
    add_member(guild, mo)
    user_profile_update(user=mo, name=mo.name, manager=maya)
    question = discussions.thread_create(
        author=mo,
        community=guild,
        title="How do we upgrade nodes without downtime?",
        body="Every upgrade drops traffic for a minute.",
    )
    answer = discussions.answer_create(
        author=fay,
        thread=question,
        body="Drain **one node at a time**, and set a PodDisruptionBudget first.",
    )
    discussions.answer_accept(actor=mo, answer=answer)
    learning.card_set_create(
        author=fay,
        community=guild,
        title="Last week's upgrade session",
        description="The three things we agreed on.",
        cards=[
            ("What does a PodDisruptionBudget protect?", "How many pods may be down at once."),
            ("Before draining a node?", "Check the budget allows it."),
        ],
    )
    return guild, question, answer


def test_keep_adopt_review_log_and_send_the_journal(
    person, community_factory, user_factory, add_member
):
    guild, question, answer = seed(community_factory, user_factory, add_member)
    mo = person("Mo")
    page = mo.page
    page.set_viewport_size(PHONE)
    sign_in(mo, email="mo@example.test")

    # Keep a takeaway from the accepted answer.
    page.goto(question.get_absolute_url())
    page.locator(f"#answer-{answer.pk}").get_by_role("link", name="Keep this").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Keep this")
    expect(page.get_by_label("Prompt")).to_have_value(question.title)
    page.get_by_label("The point").fill("Drain one node at a time, with a budget set first.")
    page.get_by_label("I want to try this in my work").check()
    mo.snapshot("learning-1-keep-phone")
    page.get_by_role("button", name="Keep this card").click()
    expect(page).to_have_url(re.compile(rf"/t/{question.pk}/"))
    expect(page.get_by_text("Kept. It will come up in your review.")).to_be_visible()

    # Adopt the facilitator's card set from the community.
    page.goto(f"/c/{guild.slug}/card-sets/")
    page.get_by_role("link", name="Last week's upgrade session").click()
    page.get_by_role("button", name="Add 2 cards to my review").click()
    expect(page.get_by_role("button", name="In your review ✓")).to_be_visible()
    mo.snapshot("learning-2-card-set-phone")

    # Review: each card shows its prompt, then its point, then takes a rating.
    page.goto("/review/")
    expect(page.get_by_text("3 left today")).to_be_visible()
    mo.snapshot("learning-3-review-prompt-phone")
    for n, rating in enumerate(["Again", "Hard", "Good", "Easy"]):
        page.get_by_role("link", name=re.compile("Show the point")).click()
        expect(page.locator("#point")).to_be_visible()
        if n == 0:
            mo.snapshot("learning-4-review-point-phone")
        page.get_by_role("button", name=re.compile(f"^{rating}")).click()
        expect(page.locator("#point")).to_have_count(0)
    assert sorted(ReviewLog.objects.values_list("rating", flat=True)) == [1, 2, 3, 4]
    # A card rated Again waits for its step while the new cards come first: all three were seen.
    assert ReviewLog.objects.values("card").distinct().count() == 3

    page.goto("/learn/cards/")
    expect(page.get_by_text("3 cards you keep")).to_be_visible()
    mo.snapshot("learning-4b-cards-phone")

    # Log a practice change, shared with the community.
    page.goto("/learn/practice/")
    page.get_by_label("What I tried").fill("Drained node pool B one node at a time")
    page.get_by_label("What happened").fill("No dropped requests during the upgrade.")
    page.get_by_label("A community (as a discussion)").check()
    page.locator("#id_community").select_option(label="Platform Guild")
    page.get_by_role("button", name="Log it").click()
    expect(page.get_by_text("Logged, and posted as a discussion.")).to_be_visible()
    entry = PracticeEntry.objects.get()
    assert entry.thread_id is not None
    mo.snapshot("learning-5-practice-phone")

    # The week's journal: pre-filled, saved, sent to the manager.
    page.goto("/learn/journal/")
    body = page.get_by_label("Your journal")
    expect(body).to_have_value(re.compile("Drained node pool B one node at a time"))
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved. Only you can see it until you send it.")).to_be_visible()
    page.get_by_role("button", name="Send to Maya Manager").click()
    expect(page.get_by_text("Sent to Maya Manager.")).to_be_visible()
    mo.snapshot("learning-6-journal-phone")

    # The manager reads it on a desktop and replies.
    maya = person("Maya")
    sign_in(maya, email="maya@example.test")
    boss = maya.page
    boss.get_by_role("link", name="From my team").click()
    boss.get_by_role("link", name=re.compile("Mo Member · week")).click()
    expect(boss.get_by_text("Drained node pool B one node at a time")).to_be_visible()
    boss.get_by_label("Reply").fill("Great result. Share it at the next guild meeting?")
    boss.get_by_role("button", name="Reply to Mo Member").click()
    expect(boss.locator("#replies").get_by_text("Great result.")).to_be_visible()
    maya.snapshot("learning-7-manager-desktop")
    assert JournalReply.objects.get().author.name == "Maya Manager"

    # Mo sees the reply on the journal; the home page shows the review box.
    page.reload()
    expect(page.get_by_text("Great result. Share it at the next guild meeting?")).to_be_visible()
    page.goto("/")
    expect(page.get_by_role("heading", name="Your review")).to_be_visible()
    mo.snapshot("learning-8-home-phone")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/review/")
    mo.snapshot("learning-9-review-desktop")
    assert Card.objects.filter(owner__name="Mo Member").count() == 3
