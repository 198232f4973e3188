"""Questions and answers in a real browser: a member asks a question with a live markdown preview,
asks the suggested experts, one of them answers from "Asked of me", and the asker votes, comments,
accepts and edits; a discussion gets a comment and a reaction; an outsider cannot see the thread.

Screenshots of each step go to test-results/qa-*.png.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from practica.accounts.services import user_profile_update
from practica.communities.models import Community, Role
from practica.discussions import services
from practica.discussions.models import Kind, Thread

PASSWORD = "quiet-lantern-harbour-42"
TITLE = "How do I roll back a failed kubernetes deployment?"
BODY = (
    "The new release crash-loops and I want the previous one back.\n\n"
    "I tried this:\n\n"
    "```bash\nkubectl rollout undo deployment/web\n```\n\n"
    "Is that **safe** while pods are still starting?"
)
ANSWER = (
    "Yes. `rollout undo` goes back to the previous ReplicaSet; check it with:\n\n"
    "```bash\nkubectl rollout status deployment/web\n```"
)


def sign_in(person, *, email: str) -> None:
    page = person.page
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Practica")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/$"))


def seed(community_factory, user_factory, add_member):
    """A private guild where Priya has solved a kubernetes question and Sam claims the topic."""
    olive = user_factory("Olive Owner", email="olive@example.test", password=PASSWORD)
    guild = community_factory(
        owner=olive,
        name="Platform Guild",
        visibility="private",
        join_policy="request",
    )
    # The factory names every purpose "Purpose <n>"; the pages show it, so give it a real one.
    Community.objects.filter(pk=guild.pk).update(
        purpose="We run the platform together and learn from each incident."
    )
    mo = user_factory("Mo Member", email="mo@example.test", password=PASSWORD)
    priya = user_factory("Priya Raman", email="priya@example.test", password=PASSWORD)
    sam = user_factory("Sam Okoro", email="sam@example.test", password=PASSWORD)
    user_factory("Otto Outsider", email="otto@example.test", password=PASSWORD)
    add_member(guild, mo)
    add_member(guild, priya)
    add_member(guild, sam, Role.FACILITATOR)

    earlier = services.thread_create(
        author=olive,
        community=guild,
        title="Why does kubectl apply hang on our staging cluster?",
        body="It waits forever on the ingress.",
        tags=["kubernetes"],
    )
    solved_by = services.answer_create(
        author=priya, thread=earlier, body="The admission webhook is down; restart it."
    )
    services.answer_accept(actor=olive, answer=solved_by)
    user_profile_update(user=sam, name=sam.name, expertise=["kubernetes"])
    services.thread_create(
        author=olive,
        community=guild,
        kind=Kind.DISCUSSION,
        title="What should our on-call handbook cover?",
        body="Let us collect the first chapters.",
    )
    return guild


def test_a_member_asks_the_experts_and_accepts_an_answer(
    person, community_factory, user_factory, add_member
):
    seed(community_factory, user_factory, add_member)

    # Mo signs in and finds the guild's questions.
    mo = person("Mo")
    sign_in(mo, email="mo@example.test")
    page = mo.page
    page.locator(".community-card").filter(has_text="Platform Guild").get_by_role(
        "link", name="Platform Guild"
    ).click()
    expect(page).to_have_url(re.compile(r"/c/platform-guild/$"))
    page.get_by_role("navigation", name="Platform Guild").get_by_role(
        "link", name="Questions"
    ).click()
    expect(page).to_have_url(re.compile(r"/c/platform-guild/questions/$"))
    expect(page).to_have_title("Questions · Platform Guild · Practica")
    rows = page.locator("#thread-rows .thread-row")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Why does kubectl apply hang on our staging cluster?")
    expect(rows.first).to_contain_text("✓ 1 answer")
    mo.snapshot("qa-01-questions-tab")

    # Mo asks, and watches the preview render the markdown while typing.
    page.get_by_role("link", name="Ask a question").first.click()
    expect(page).to_have_url(re.compile(r"/c/platform-guild/ask/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask a question")
    expect(page.get_by_label("Question", exact=True)).to_be_checked()
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Body").fill(BODY)
    preview = page.locator("#body-preview")
    expect(preview.locator("pre code")).to_contain_text("kubectl rollout undo deployment/web")
    expect(preview.locator("strong")).to_have_text("safe")
    expect(preview).not_to_contain_text("```")
    page.get_by_label("Tags").fill("kubernetes")
    mo.snapshot("qa-02-ask-with-preview")
    page.get_by_role("button", name="Post").click()

    expect(page).to_have_url(re.compile(r"/c/platform-guild/t/\d+/$"))
    thread_path = re.search(r"/c/platform-guild/t/\d+/", page.url).group(0)
    expect(page.get_by_role("status")).to_contain_text("Your question is up.")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator(".post__body pre code")).to_contain_text("kubectl rollout undo")
    expect(page.locator(".post__tags")).to_have_text("kubernetes")
    expect(page.get_by_role("heading", name="No answers yet")).to_be_visible()
    expect(page.get_by_role("button", name="✓ Following")).to_be_visible()

    # The experts box names Priya and Sam, and says why.
    experts = page.get_by_role("region", name="Who knows about this?")
    priya_box = experts.get_by_role("checkbox", name=re.compile("Priya Raman"))
    sam_box = experts.get_by_role("checkbox", name=re.compile("Sam Okoro"))
    expect(experts.locator("label.expert")).to_have_count(2)
    expect(experts.locator("label.expert").first).to_contain_text("1 accepted answer on kubernetes")
    expect(experts.locator("label.expert").filter(has_text="Sam Okoro")).to_contain_text(
        "lists kubernetes as expertise"
    )
    mo.snapshot("qa-03-question-with-experts")
    priya_box.check()
    sam_box.check()
    experts.get_by_role("button", name="Ask them to answer").click()
    expect(page).to_have_url(re.compile(thread_path + "#experts$"))
    expect(page.get_by_role("status")).to_contain_text("Asked Priya Raman, Sam Okoro.")
    asked = page.get_by_role("region", name="Who knows about this?")
    expect(asked.get_by_role("checkbox")).to_have_count(0)
    expect(asked.locator(".people")).to_contain_text("Priya Raman")
    expect(asked.locator(".people")).to_contain_text("Sam Okoro")
    mo.snapshot("qa-04-experts-asked")

    # Priya finds the question under "Asked of me" and answers it.
    priya = person("Priya")
    sign_in(priya, email="priya@example.test")
    page = priya.page
    expect(page.locator(".asked-box")).to_contain_text(TITLE)
    main_nav = page.get_by_role("navigation", name="Main")
    main_nav.locator("summary").click()
    main_nav.get_by_role("link", name="Asked of me").click()
    expect(page).to_have_url(re.compile(r"/asked/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Asked of me")
    request = page.locator(".thread-row").filter(has_text=TITLE)
    expect(request).to_contain_text("open")
    expect(request).to_contain_text("asked by Mo Member")
    priya.snapshot("qa-05-asked-of-me")
    request.get_by_role("link", name=TITLE).click()
    expect(page).to_have_url(re.compile(thread_path + "$"))
    page.get_by_label("Your answer").fill(ANSWER)
    expect(page.locator("#answer-preview pre code")).to_contain_text("kubectl rollout status")
    page.get_by_role("button", name="Post your answer").click()
    answers = page.locator("#answers")
    expect(answers.get_by_role("heading", level=2)).to_have_text("1 answer")
    answer = answers.locator("article.post--answer")
    expect(answer).to_have_count(1)
    expect(answer.locator("pre code")).to_contain_text("kubectl rollout status deployment/web")
    expect(answer.locator(".byline")).to_contain_text("Priya Raman")
    expect(page.get_by_label("Your answer")).to_have_value("")
    priya.snapshot("qa-06-answer-posted")
    main_nav.locator("summary").click()
    main_nav.get_by_role("link", name="Asked of me").click()
    expect(page.locator(".thread-row").filter(has_text=TITLE)).to_contain_text("✓ answered")

    # Mo sees the answer, upvotes it in place, comments on it and accepts it.
    page = mo.page
    page.goto(thread_path)
    answer = page.locator("article.post--answer")
    expect(page.locator("#answers-h")).to_have_text("1 answer")
    expect(answer).to_contain_text("rollout undo")
    score = answer.locator(".vote__score")
    expect(score).to_have_text("0 votes")
    # A mark on the window survives htmx swaps and is lost on a page load.
    page.evaluate("window.qaMark = 'same page'")
    answer.get_by_role("button", name="Upvote this answer").click()
    expect(score).to_have_text("1 vote")
    expect(answer.get_by_role("button", name="Upvote this answer")).to_have_attribute(
        "aria-pressed", "true"
    )

    answer.get_by_text("Add a comment").click()
    answer.get_by_label("Comment").fill("That worked, thank you! The pods came back in a minute.")
    answer.get_by_role("button", name="Comment").click()
    comment = answer.locator(".comment")
    expect(comment).to_have_count(1)
    expect(comment).to_contain_text("That worked, thank you!")
    expect(comment).to_contain_text("Mo Member")

    assert page.evaluate("window.qaMark") == "same page", "vote and comment swap in place"
    # Accepting changes the whole question (its solved badge too), so the page reloads.
    answer.get_by_role("button", name="✓ Accept").click()
    expect(page.locator(".post__badges .badge--solved")).to_have_text("✓ Solved")
    answer = page.locator("article.post--answer")
    expect(answer.locator(".accepted-label")).to_have_text("✓ Accepted answer")
    expect(answer.get_by_role("button", name="Unaccept")).to_be_visible()
    expect(answer.locator(".vote__score")).to_have_text("1 vote")
    expect(answer.locator(".comment")).to_contain_text("That worked, thank you!")
    expect(page).to_have_url(re.compile(thread_path + "$"))
    mo.snapshot("qa-07-answer-accepted")

    # Mo edits the question with a reason, then reads the diff in the history.
    page.locator(".post__actions").get_by_role("link", name="Edit").click()
    expect(page).to_have_url(re.compile(thread_path + "edit/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit question")
    body = page.get_by_label("Body")
    body.fill(BODY.replace("crash-loops", "crash-loops on startup"))
    expect(page.locator("#body-preview")).to_contain_text("crash-loops on startup")
    page.get_by_label("Why this edit").fill("Said when it crashes")
    mo.snapshot("qa-08-edit-question")
    page.get_by_role("button", name="Save changes").click()
    expect(page).to_have_url(re.compile(thread_path + "$"))
    expect(page.get_by_role("status")).to_contain_text("Saved.")
    expect(page.locator(".post__body")).to_contain_text("crash-loops on startup")
    page.locator(".post__actions").get_by_role("link", name="History").click()
    expect(page).to_have_url(re.compile(thread_path + "revisions/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("History")
    expect(page.get_by_text("2 revisions, newest first")).to_be_visible()
    newest = page.locator("#rev-2")
    expect(newest).to_contain_text("Said when it crashes")
    expect(newest).to_contain_text("Current")
    expect(newest.locator(".diff ins")).to_have_text("on startup")
    expect(page.locator("#rev-1")).to_contain_text("First version")
    mo.snapshot("qa-09-revisions")

    # Mo comments on a discussion and reacts to it.
    page.get_by_role("link", name="Platform Guild").first.click()
    page.get_by_role("navigation", name="Platform Guild").get_by_role(
        "link", name="Discussions"
    ).click()
    expect(page).to_have_url(re.compile(r"/c/platform-guild/discussions/$"))
    page.get_by_role("link", name="What should our on-call handbook cover?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "What should our on-call handbook cover?"
    )
    thread_box = page.locator("#thread")
    page.evaluate("window.qaMark = 'same page'")
    thread_box.get_by_text("Add a comment").click()
    thread_box.get_by_label("Comment").fill("A page on rolling back a deployment, please.")
    thread_box.get_by_role("button", name="Comment").click()
    expect(thread_box.locator(".comment")).to_contain_text("A page on rolling back a deployment")
    thumbs = thread_box.locator(".reactions").first.get_by_role("button", name="thumbsup")
    thumbs.click()
    expect(thumbs).to_have_attribute("aria-pressed", "true")
    expect(thumbs.locator(".reaction__count")).to_have_text("1")
    # ...replies to a comment and reacts to it, the choices fetched in place.
    comment = thread_box.locator(".comment").filter(has_text="rolling back a deployment")
    comment.get_by_role("link", name="Reply").click()
    comment.get_by_label(re.compile("Reply to")).fill("Including the database migrations.")
    comment.get_by_role("button", name="Reply").click()
    expect(comment.locator(".comment-list--replies")).to_contain_text("database migrations")
    comment = thread_box.locator(".comment").filter(has_text="rolling back a deployment").first
    comment.get_by_role("link", name="Add a reaction").first.click()
    bulb = comment.locator(".reactions").first.get_by_role("button", name="bulb")
    bulb.click()
    expect(bulb.locator(".reaction__count")).to_have_text("1")
    expect(bulb).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("window.qaMark") == "same page", "comment and reaction swap in place"
    mo.snapshot("qa-10-discussion")

    # Priya's question list now shows the question solved.
    page = priya.page
    page.goto("/c/platform-guild/questions/?show=solved")
    solved = page.locator(".thread-row").filter(has_text=TITLE)
    expect(solved).to_contain_text("✓ 1 answer")
    expect(solved.locator(".stat--solved")).to_have_attribute("title", re.compile("Solved"))

    # Otto, signed in but not a member, cannot see the thread of the private guild.
    otto = person("Otto")
    sign_in(otto, email="otto@example.test")
    otto.expect_status(404, thread_path)
    otto.page.goto(thread_path)
    expect(otto.page.get_by_role("heading", level=1)).to_have_text("We couldn't find that page")
    expect(otto.page.get_by_text(TITLE)).to_have_count(0)
    otto.snapshot("qa-11-outsider-not-found")
    assert Thread.objects.get(title=TITLE).accepted_answer is not None
