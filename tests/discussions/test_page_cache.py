"""The thread page's cache: every change shows at once, each person sees their own page, and people
in the same position share one rendering. See discussions/views/fragments.py."""

from __future__ import annotations

import re

import pytest
from django.core.cache import caches
from django.test import Client

from practica.communities.services import membership_add, membership_set_role
from practica.core import events
from practica.discussions import selectors, services
from practica.discussions.models import Answer, Comment, Reaction, Tag, Thread
from practica.discussions.views import fragments
from tests.conftest import client_for


def _page(client: Client, thread: Thread) -> str:
    response = client.get(thread.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def _score(html: str, answer: Answer) -> int:
    box = re.search(rf'id="vote-answer-{answer.pk}".*?class="vote__score"[^>]*>(-?\d+)', html, re.S)
    assert box is not None
    return int(box[1])


@pytest.fixture(autouse=True)
def _same_minute(monkeypatch):
    """Keys include the minute: a test that crosses one would see a page rendered again."""
    monkeypatch.setattr(fragments, "_minute", lambda: 29_000_000)


@pytest.fixture
def scene(cast_factory, thread_factory):
    cast = cast_factory()
    thread = thread_factory(cast.community, author=cast.member, answers=2, tags=["ops"])
    answer = thread.answers.order_by("pk").first()
    comment = services.comment_create(
        author=cast.facilitator, thread=thread, body="Which version?", answer=answer
    )
    return cast, thread, answer, comment


def _fresh(thread: Thread) -> Thread:
    return Thread.objects.select_related("community").get(pk=thread.pk)


CHANGES = {
    "an answer": lambda c, t, a, cm: services.answer_create(
        author=c.facilitator, thread=t, body="Restart the **scheduler** first."
    ),
    "an answer edited": lambda c, t, a, cm: services.answer_update(
        actor=a.author, answer=a, body="Edited: restart the scheduler.", reason="clearer"
    ),
    "an answer deleted": lambda c, t, a, cm: services.answer_delete(actor=a.author, answer=a),
    "an answer accepted": lambda c, t, a, cm: services.answer_accept(actor=c.member, answer=a),
    "a vote": lambda c, t, a, cm: services.vote_set(user=c.owner, target=a, value=1),
    "a comment": lambda c, t, a, cm: services.comment_create(
        author=c.owner, thread=t, body="Seen it on **staging** too.", answer=a
    ),
    "a comment edited": lambda c, t, a, cm: services.comment_update(
        actor=c.facilitator, comment=cm, body="Which version of **the chart**?"
    ),
    "a comment deleted": lambda c, t, a, cm: services.comment_delete(
        actor=c.facilitator, comment=cm
    ),
    "a reaction": lambda c, t, a, cm: services.reaction_toggle(
        user=c.owner, target=cm, emoji="bulb"
    ),
    "the question edited": lambda c, t, a, cm: services.thread_update(
        actor=c.member, thread=t, body="How do we do this **really** well?", reason="clearer"
    ),
    "a tag renamed": lambda c, t, a, cm: services.tag_update(
        actor=c.facilitator, tag=t.tags.get(), name="operations"
    ),
    "made a wiki": lambda c, t, a, cm: services.thread_set_wiki(
        actor=c.facilitator, thread=t, is_wiki=True
    ),
    "experts asked": lambda c, t, a, cm: services.experts_ask(
        actor=c.member, thread=t, user_ids=[c.owner.pk]
    ),
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_change_shows_at_once_on_a_page_seen_before(scene, change):
    cast, thread, answer, comment = scene
    viewer = client_for(cast.member)
    before = _page(viewer, thread)
    assert _tokenless(_page(viewer, thread)) == _tokenless(before)  # the same, from the cache
    CHANGES[change](cast, _fresh(thread), answer, comment)
    after = _page(viewer, thread)
    assert _tokenless(after) != _tokenless(before), f"{change} did not show on the page"


def _tokenless(html: str) -> str:
    return re.sub(r"\b[A-Za-z0-9]{64}\b", "TOKEN", html)


def test_each_person_sees_their_own_vote_and_everyone_the_score(scene, user_factory):
    cast, thread, answer, _ = scene
    voter, other = client_for(cast.owner), client_for(cast.facilitator)
    _page(voter, thread), _page(other, thread)
    services.vote_set(user=cast.owner, target=answer, value=1)
    mine, theirs = _page(voter, thread), _page(other, thread)
    assert _score(mine, answer) == _score(theirs, answer) == 1
    pressed = f'id="vote-answer-{answer.pk}".*?aria-pressed="(\\w+)"'
    assert re.search(pressed, mine, re.S)[1] == "true"
    assert re.search(pressed, theirs, re.S)[1] == "false"


def test_an_author_sees_edit_on_their_answer_and_other_members_do_not(scene, user_factory):
    cast, thread, answer, _ = scene
    bystander = user_factory()
    membership_add(actor=cast.owner, community=cast.community, user=bystander)
    edit_link = f"/a/{answer.pk}/edit/"
    assert edit_link in _page(client_for(answer.author), thread)
    assert edit_link not in _page(client_for(bystander), thread)
    assert edit_link in _page(client_for(cast.facilitator), thread)  # facilitators edit any post


def test_a_promotion_shows_moderation_controls_at_once(scene):
    cast, thread, _, _ = scene
    member = client_for(cast.member)
    wiki = f"/t/{thread.pk}/wiki/"
    assert wiki not in _page(member, thread)
    membership_set_role(
        actor=cast.owner,
        membership=cast.community.memberships.get(user=cast.member),
        role="facilitator",
    )
    assert wiki in _page(member, thread)


def test_people_in_the_same_position_share_one_rendering(scene, user_factory):
    cast, thread, answer, _ = scene
    a, b = user_factory(), user_factory()
    for person in (a, b):
        membership_add(actor=cast.owner, community=cast.community, user=person)
    thread = _fresh(thread)
    assert selectors.thread_viewer_key(user=a, thread=thread) == selectors.thread_viewer_key(
        user=b, thread=thread
    )
    services.vote_set(user=a, target=answer, value=1)
    assert selectors.thread_viewer_key(user=a, thread=thread) != selectors.thread_viewer_key(
        user=b, thread=thread
    )


def test_a_form_on_a_cached_page_carries_a_working_csrf_token(scene):
    cast, thread, answer, _ = scene
    caches["pages"].clear()
    caches["fragments"].clear()
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.owner)
    _page(client, thread)
    html = _page(client, thread)  # from the cache this time
    token = re.search(
        rf'action="[^"]*/a/{answer.pk}/vote/".*?name="csrfmiddlewaretoken" value="([^"]+)"',
        html,
        re.S,
    )[1]
    response = client.post(
        f"/c/{cast.community.slug}/a/{answer.pk}/vote/",
        {"value": "1", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert _score(_page(client, thread), answer) == 1


def test_the_choice_of_reactions_and_the_reply_form_open_on_request(scene):
    cast, thread, _, comment = scene
    client = client_for(cast.owner)
    html = _page(client, thread)
    assert f'href="{thread.get_absolute_url()}?react={comment.pk}#rx-comment-{comment.pk}"' in html
    assert f'id="reply-{comment.pk}"' not in html
    opened = client.get(f"{thread.get_absolute_url()}?react={comment.pk}").content.decode()
    assert 'class="reactions__panel' in opened
    assert 'value="bulb"' in opened
    replying = client.get(f"{thread.get_absolute_url()}?reply={comment.pk}").content.decode()
    assert f'id="reply-{comment.pk}"' in replying
    assert client.get(f"{thread.get_absolute_url()}?reply=abc").status_code == 200


def test_reacting_from_the_opened_choice_counts(scene):
    cast, thread, _, comment = scene
    client = client_for(cast.owner)
    client.post(f"/c/{cast.community.slug}/comments/{comment.pk}/react/", {"emoji": "bulb"})
    assert Reaction.objects.filter(comment=comment, emoji="bulb").count() == 1
    html = _page(client, thread)
    box = re.search(rf'id="rx-comment-{comment.pk}".*?</div>', html, re.S)[0]
    assert 'class="reaction__count">1<' in box
    assert Comment.objects.get(pk=comment.pk).thread_id == thread.pk


def test_list_rows_follow_every_change_to_their_thread(scene):
    cast, thread, answer, _ = scene
    client = client_for(cast.owner)
    questions = f"/c/{cast.community.slug}/questions/"

    def row() -> str:
        html = client.get(questions).content.decode()
        found = re.search(
            rf'<li class="thread-row[^>]*>(?:(?!</li>\s*<li).)*?/t/{thread.pk}/', html, re.S
        )
        assert found is not None
        return html[found.start() : html.index("</li>", found.end())]

    assert "<strong>0</strong> votes" in row()
    services.vote_set(user=cast.owner, target=_fresh(thread), value=1)
    assert "<strong>1</strong> vote" in row()
    services.thread_update(actor=cast.member, thread=_fresh(thread), title="Renamed: how to do it?")
    assert "Renamed: how to do it?" in row()
    services.answer_accept(actor=cast.member, answer=answer)
    assert "✓ 2" in row()


EVENTFUL = {
    "comment.edited": lambda c, t, a, cm: services.comment_update(
        actor=c.facilitator, comment=cm, body="Which version, exactly?"
    ),
    "comment.deleted": lambda c, t, a, cm: services.comment_delete(actor=c.facilitator, comment=cm),
    "answer.unaccepted": lambda c, t, a, cm: (
        services.answer_accept(actor=c.member, answer=a),
        services.answer_unaccept(actor=c.member, thread=_fresh(t)),
    ),
    "answer.voted": lambda c, t, a, cm: (
        services.vote_set(user=c.owner, target=a, value=1),
        services.vote_clear(user=c.owner, target=a),
    ),
    "tag.updated": lambda c, t, a, cm: services.tag_update(
        actor=c.facilitator, tag=t.tags.get(), name="operations"
    ),
    "tag.merged": lambda c, t, a, cm: services.tag_merge(
        actor=c.facilitator,
        source=t.tags.get(),
        target=Tag.objects.create(community=c.community, name="ops-two"),
    ),
}


@pytest.mark.parametrize("name", EVENTFUL)
def test_changes_that_consumers_index_publish_an_event(
    scene, name, django_capture_on_commit_callbacks
):
    """Search indexing and notifications learn about these only from the event."""
    cast, thread, answer, comment = scene
    heard: list[dict] = []

    def listen(event: str, payload: dict) -> None:
        heard.append({"event": event, **payload})

    events.subscribe(name, listen)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            EVENTFUL[name](cast, _fresh(thread), answer, comment)
    finally:
        events.unsubscribe(name, listen)
    assert heard, f"no {name} event"
    last = heard[-1]
    assert last.get("community_id", cast.community.pk) == cast.community.pk
    if name == "answer.voted":
        assert last["value"] == 0 and last["answer_id"] == answer.pk
