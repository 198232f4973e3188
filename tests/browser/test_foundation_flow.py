"""The foundation's main flow in a real browser: a person signs up, verifies their email, creates a
private community that people ask to join, approves another person's request and sees them listed.

Screenshots of each step go to test-results/foundation-*.png.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

PASSWORD = "quiet-lantern-harbour-42"


def sign_up(person, *, name: str, email: str, password: str) -> None:
    page = person.page
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Get unstuck. Get better. Together.")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create your account")
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Password (again)").fill(password)
    person.snapshot("foundation-01-sign-up")
    page.get_by_role("button", name="Create account").click()


def confirm_email(person, outbox, *, email: str) -> None:
    """Follow the link in the verification email and confirm; allauth then signs the person in."""
    page = person.page
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    person.snapshot("foundation-02-verify-your-email")
    assert [m.to for m in outbox] == [[email]], "exactly one email, to the new address"
    message = outbox[0]
    assert message.subject.startswith("[Practica] ")
    links = re.findall(r"https?://\S+/accounts/confirm-email/\S+/", message.body)
    assert len(links) == 1, message.body
    assert links[0].startswith(page.url.split("/accounts/")[0]), "the link points at this site"
    page.goto(links[0])
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your email address")
    expect(page.get_by_text(f"Confirm that {email} is your address")).to_be_visible()
    person.snapshot("foundation-03-confirm-email")
    page.get_by_role("button", name="Confirm").click()


def sign_in(person, *, email: str, password: str) -> None:
    page = person.page
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Practica")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def create_community(person, *, name: str, purpose: str, visibility: str, join: str) -> None:
    page = person.page
    page.get_by_role("link", name="New community").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Start a community of practice")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Purpose").fill(purpose)
    page.get_by_role("group", name="Visibility").get_by_label(visibility).check()
    page.get_by_role("group", name="Who can join").get_by_label(join).check()
    person.snapshot("foundation-05-new-community-form")
    page.get_by_role("button", name="Create community").click()


def expect_signed_in_home(person, name: str) -> None:
    page = person.page
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page).to_have_title("Home · Practica")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Welcome back, {name}")
    expect(page.get_by_role("navigation", name="Main")).to_contain_text(name)


def test_a_new_person_signs_up_creates_a_private_community_and_approves_a_request(
    person, user_factory, mailoutbox
):
    ada = person("Ada")
    sign_up(ada, name="Ada Lovelace", email="ada@example.test", password=PASSWORD)
    confirm_email(ada, mailoutbox, email="ada@example.test")
    expect_signed_in_home(ada, "Ada Lovelace")
    expect(ada.page.get_by_text("You are not in any community yet.")).to_be_visible()
    ada.snapshot("foundation-04-home-after-verifying")

    create_community(
        ada,
        name="Platform Guild",
        purpose="We run the platform together and learn from each incident.",
        visibility="Private",
        join="Request",
    )
    page = ada.page
    expect(page).to_have_url(re.compile(r"/c/platform-guild/$"))
    expect(page).to_have_title("Platform Guild · Practica")
    expect(page.get_by_role("heading", level=1)).to_have_text("Platform Guild")
    expect(page.get_by_role("status")).to_contain_text("Platform Guild is ready.")
    expect(page.get_by_text("You are an owner")).to_be_visible()
    head = page.locator(".community-head")
    expect(head).to_contain_text("Private")
    expect(head).to_contain_text("Request to join")
    expect(head).to_contain_text("1 member")
    facilitators = page.get_by_role("region", name="Facilitators")
    expect(facilitators.get_by_role("listitem")).to_have_text("AL Ada Lovelace Owner")
    ada.snapshot("foundation-06-community-created")

    user_factory("Ben Okafor", email="ben@example.test", password=PASSWORD)
    ben = person("Ben")
    sign_in(ben, email="ben@example.test", password=PASSWORD)
    expect_signed_in_home(ben, "Ben Okafor")
    ben.page.get_by_role("navigation", name="Main").get_by_role("link", name="Communities").click()
    expect(ben.page.get_by_role("heading", level=1)).to_have_text("Communities")
    card = ben.page.get_by_role("listitem").filter(has_text="Platform Guild")
    expect(card).to_contain_text("Private")
    expect(card).to_contain_text("Request to join")
    ben.snapshot("foundation-07-directory")
    card.get_by_role("link", name="Platform Guild").click()

    page = ben.page
    expect(page).to_have_url(re.compile(r"/c/platform-guild/$"))
    expect(page.get_by_text("This community is private.")).to_be_visible()
    expect(page.get_by_role("link", name="Members", exact=True)).to_have_count(0)
    page.get_by_text("Ask to join").click()
    page.get_by_label("A note for the facilitators").fill("I am on call for the platform team.")
    ben.snapshot("foundation-08-ask-to-join")
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_role("status")).to_contain_text("Your request is with the facilitators.")
    expect(page.get_by_text("Request sent")).to_be_visible()
    expect(page.get_by_role("button", name="Withdraw request")).to_be_visible()
    ben.snapshot("foundation-09-request-sent")

    page = ada.page
    page.reload()
    expect(page.get_by_role("region", name="1 request to join")).to_be_visible()
    page.get_by_role("navigation", name="Platform Guild").get_by_role(
        "link", name="Members"
    ).click()
    expect(page).to_have_url(re.compile(r"/c/platform-guild/members/$"))
    expect(page).to_have_title("Members · Platform Guild · Practica")
    requests = page.get_by_role("region", name="Requests to join")
    request = requests.get_by_role("listitem").filter(has_text="Ben Okafor")
    expect(request).to_contain_text("I am on call for the platform team.")
    members = page.get_by_role("region", name="Members", exact=True)
    expect(members.get_by_role("link", name="Ben Okafor")).to_have_count(0)
    ada.snapshot("foundation-10-members-with-request")
    request.get_by_role("button", name="Approve").click()

    expect(page).to_have_url(re.compile(r"/c/platform-guild/members/$"))
    expect(page.get_by_role("status")).to_have_text("Ben Okafor is now a member.")
    expect(page.get_by_role("region", name="Requests to join")).to_have_count(0)
    expect(members.get_by_role("link", name="Ben Okafor")).to_be_visible()
    expect(members.get_by_role("link", name="Ada Lovelace")).to_be_visible()
    expect(page.locator(".community-head")).to_contain_text("2 members")
    ada.snapshot("foundation-11-request-approved")

    page = ben.page
    page.reload()
    expect(page.get_by_text("You are a member")).to_be_visible()
    expect(page.get_by_text("Request sent")).to_have_count(0)
    expect(page.get_by_text("Nothing has happened here yet.")).to_be_visible()
    expect(page.get_by_role("link", name="All 2 members →")).to_be_visible()
    page.get_by_role("navigation", name="Platform Guild").get_by_role(
        "link", name="Members"
    ).click()
    members = page.get_by_role("region", name="Members", exact=True)
    expect(members.get_by_role("link", name="Ben Okafor")).to_be_visible()
    expect(members.get_by_role("link", name="Ada Lovelace")).to_be_visible()
    ben.snapshot("foundation-12-member-view")
