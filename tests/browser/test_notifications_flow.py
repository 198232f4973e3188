"""Notifications in a real browser: Asha's bell counts up without a reload when Ben answers her
question; she opens the notification, which takes her to the answer and is then read; she changes
her settings; Fay, a facilitator, adds a webhook and sees its secret once.

Screenshots of each step go to test-results/notifications-*.png.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from practica.communities.models import Community, Role
from practica.discussions import services
from tests.browser.test_qa_flow import PASSWORD, sign_in

TITLE = "How do we keep the on-call handbook up to date?"


def seed(community_factory, user_factory, add_member):
    olive = user_factory("Olive Owner", email="olive@example.test", password=PASSWORD)
    guild = community_factory(owner=olive, name="Reliability Guild", visibility="private",
                              join_policy="request")  # fmt: skip
    Community.objects.filter(pk=guild.pk).update(
        purpose="We keep production calm and learn from every incident."
    )
    asha = user_factory("Asha Patel", email="asha@example.test", password=PASSWORD)
    ben = user_factory("Ben Ode", email="ben@example.test", password=PASSWORD)
    fay = user_factory("Fay Lind", email="fay@example.test", password=PASSWORD)
    add_member(guild, asha)
    add_member(guild, ben)
    add_member(guild, fay, Role.FACILITATOR)
    question = services.thread_create(
        author=asha, community=guild, title=TITLE,
        body="Pages go stale within weeks. What has worked for you?", tags=["on-call"],
    )  # fmt: skip
    return guild, question


def test_the_bell_counts_up_when_someone_answers(
    person, community_factory, user_factory, add_member
):
    guild, question = seed(community_factory, user_factory, add_member)
    asha, ben, fay = person("Asha"), person("Ben"), person("Fay")

    sign_in(asha, email="asha@example.test")
    bell = asha.page.get_by_role("link", name=re.compile(r"^Notifications"))
    expect(bell).to_be_visible()
    expect(asha.page.get_by_test_id("bell-count")).to_have_count(0)
    asha.snapshot("notifications-1-bell-empty")

    sign_in(ben, email="ben@example.test")
    ben.page.goto(question.get_absolute_url())
    ben.page.get_by_label("Your answer").fill(
        "We review one page at every retro and give each page an owner."
    )
    ben.page.get_by_role("button", name="Post your answer").click()
    expect(ben.page.get_by_text("give each page an owner")).to_be_visible()

    # No reload: the bell asks for its count every few seconds.
    expect(asha.page.get_by_test_id("bell-count")).to_have_text("1", timeout=20_000)
    expect(bell).to_have_attribute("aria-label", "Notifications: 1 unread")
    asha.snapshot("notifications-2-bell-counted")

    bell.click()
    expect(asha.page.get_by_role("heading", level=1)).to_have_text("Notifications")
    item = asha.page.get_by_role("button", name=re.compile("Ben Ode answered your question"))
    expect(item).to_be_visible()
    asha.snapshot("notifications-3-list")
    item.click()
    expect(asha.page).to_have_url(re.compile(rf"{question.get_absolute_url()}"))
    expect(asha.page.get_by_test_id("bell-count")).to_have_count(0)

    asha.page.goto("/notifications/preferences/")
    expect(asha.page.get_by_role("heading", level=1)).to_have_text("Notification settings")
    asha.page.get_by_label("Email digest").select_option("daily")
    asha.page.get_by_label("Someone @mentions me: email").uncheck()
    asha.page.get_by_role("button", name="Save settings").click()
    expect(asha.page.get_by_text("Your notification settings are saved.")).to_be_visible()
    expect(asha.page.get_by_label("Email digest")).to_have_value("daily")
    asha.snapshot("notifications-4-preferences")

    sign_in(fay, email="fay@example.test")
    fay.page.goto(f"/c/{guild.slug}/manage/")
    fay.page.get_by_role("link", name="Manage webhooks").click()
    fay.page.get_by_label("Address (http:// or https://)").fill("https://93.184.216.34/hooks/x")
    fay.page.get_by_role("checkbox", name=re.compile("A new question")).check()
    fay.page.get_by_label("Payload").select_option("slack")
    fay.page.get_by_role("button", name="Add webhook").click()
    expect(fay.page.get_by_test_id("webhook-secret")).to_have_value(re.compile(r"^whsec_"))
    fay.snapshot("notifications-5-webhook-secret")
    fay.page.get_by_role("link", name="https://93.184.216.34/hooks/x").click()
    expect(fay.page.get_by_role("heading", name="Deliveries")).to_be_visible()
    expect(fay.page.get_by_test_id("webhook-secret")).to_have_count(0)
    fay.snapshot("notifications-6-webhook")
