"""Search in a real browser: instant results in the header (and the keyboard), the syntax on the
results page, a similar solved question while asking, "who knows about this?" with its reason, and
an outsider who finds nothing private.

Screenshots of each step go to test-results/search-*.png.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from practica.accounts.services import user_profile_update
from practica.communities.models import Community
from practica.discussions import services

PASSWORD = "quiet-lantern-harbour-42"
SOLVED = "How do I roll back a failed kubernetes deployment?"


def sign_in(person, *, email: str) -> None:
    page = person.page
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/$"))


def seed(community_factory, user_factory, add_member):
    olive = user_factory("Olive Owner", email="olive@example.test", password=PASSWORD)
    guild = community_factory(owner=olive, name="Platform Guild", visibility="public")
    Community.objects.filter(pk=guild.pk).update(purpose="We run the platform together.")
    mo = user_factory("Mo Member", email="mo@example.test", password=PASSWORD)
    priya = user_factory("Priya Raman", email="priya@example.test", password=PASSWORD)
    sam = user_factory("Sam Okoro", email="sam@example.test", password=PASSWORD)
    user_factory("Otto Outsider", email="otto@example.test", password=PASSWORD)
    for person in (mo, priya, sam):
        add_member(guild, person)
    user_profile_update(user=sam, name="Sam Okoro", team="Platform", expertise=["terraform"])
    question = services.thread_create(
        author=mo, community=guild, title=SOLVED, tags=["kubernetes"],
        body="The new release crash-loops and I want the previous one back.",
    )  # fmt: skip
    answer = services.answer_create(
        author=priya, thread=question,
        body="Run `kubectl rollout undo deployment/web`, then watch `rollout status`.",
    )  # fmt: skip
    services.answer_accept(actor=mo, answer=answer)
    services.thread_create(
        author=olive, community=guild, title="Kubernetes ingress or a service mesh?",
        tags=["kubernetes", "networking"], body="We are weighing both for the new cluster.",
    )  # fmt: skip
    services.thread_create(
        author=olive, community=guild, title="Terraform state in one bucket or many?",
        tags=["terraform"], body="One bucket per team feels heavy.",
    )  # fmt: skip
    vault = community_factory(owner=olive, name="Security Circle", visibility="private")
    services.thread_create(
        author=olive, community=vault, title="Rotating the zanzibar vault keys",
        body="Quarterly, with two key holders present.",
    )  # fmt: skip
    return guild


def test_search_instant_syntax_similar_experts_and_privacy(
    person, community_factory, user_factory, add_member
):
    guild = seed(community_factory, user_factory, add_member)
    mo = person("Mo")
    sign_in(mo, email="mo@example.test")
    page = mo.page

    # Typing in the header shows results at once; the keyboard opens one.
    box = page.get_by_role("combobox", name="Search")
    box.click()
    box.press_sequentially("kuber", delay=40)
    listbox = page.get_by_role("listbox", name="Search results")
    expect(listbox.get_by_role("option", name=re.compile("roll back a failed"))).to_be_visible()
    expect(listbox.get_by_role("option", name=re.compile("See all results"))).to_be_visible()
    mo.snapshot("search-1-instant")
    box.press("ArrowDown")
    expect(listbox.get_by_role("option").first).to_have_attribute("aria-selected", "true")
    first = listbox.get_by_role("option").first.get_attribute("href")
    box.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(first)))

    # The results page understands the syntax.
    page.goto("/search/?q=" + "tag:kubernetes is:solved".replace(" ", "+"))
    results = page.locator("#search-results")
    expect(results.get_by_role("link", name=re.compile("roll back a failed"))).to_be_visible()
    expect(results.get_by_text("ingress or a service mesh")).to_have_count(0)
    expect(results.get_by_text("✓ solved")).to_be_visible()
    page.goto("/search/?q=rollout")
    expect(results.locator("mark").first).to_have_text(re.compile("rollout", re.I))
    mo.snapshot("search-2-results")

    # Asking a question shows a similar one, solved.
    page.goto(f"/c/{guild.slug}/ask/")
    page.get_by_label("Title").press_sequentially("Roll back kubernetes deployment", delay=20)
    similar = page.locator("#similar-questions")
    expect(similar.get_by_role("link", name=SOLVED)).to_be_visible()
    expect(similar.get_by_text("✓ solved")).to_be_visible()
    mo.snapshot("search-3-similar")

    # Who knows about kubernetes? Priya, because of her accepted answer.
    page.goto("/search/people/")
    page.get_by_placeholder("A topic, as a tag: kubernetes").fill("kubernetes")
    page.get_by_role("button", name="Find people").click()
    found = page.locator("#expert-results")
    expect(found.get_by_role("link", name="Priya Raman")).to_be_visible()
    expect(found.get_by_text("1 accepted answer on kubernetes")).to_be_visible()
    expect(found.get_by_text("Sam Okoro")).to_have_count(0)
    mo.snapshot("search-4-experts")

    # An outsider finds nothing of the private community, not even a count.
    otto = person("Otto")
    sign_in(otto, email="otto@example.test")
    otto.page.goto("/search/?q=zanzibar")
    expect(otto.page.locator("#search-results")).to_contain_text("No results")
    expect(otto.page.get_by_text("Rotating the zanzibar")).to_have_count(0)
    otto.snapshot("search-5-outsider")
