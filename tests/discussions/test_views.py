"""Thread pages over HTTP, with and without htmx."""

import re

from django.core.cache import caches
from django.db.models import F
from django.urls import reverse

from practica.discussions import services
from practica.discussions.models import Answer, AskRequest, Comment, Follow, Tag, Thread, Vote
from practica.discussions.views import fragments
from tests.conftest import client_for

HX = {"HX-Request": "true"}


def _url(name, thread_or_community, **kwargs):
    community = getattr(thread_or_community, "community", thread_or_community)
    return reverse(f"discussions:{name}", kwargs={"slug": community.slug, **kwargs})


# --- Lists --------------------------------------------------------------------------------------


def test_questions_tab_lists_questions_with_solved_and_unanswered_filters(
    cast_factory, thread_factory
):
    cast = cast_factory()
    open_q = thread_factory(cast.community, title="How do we rotate secrets safely?")
    solved = thread_factory(cast.community, title="Which runbook covers paging?", answers=1)
    services.answer_accept(actor=cast.owner, answer=solved.answers.get())
    thread_factory(cast.community, title="Friday demo: what did we learn?", kind="discussion")
    client = client_for(cast.member)

    body = client.get(_url("questions", cast.community)).content.decode()
    assert open_q.title in body and solved.title in body
    assert "Friday demo" not in body
    assert 'class="stat stat--solved"' in body

    solved_page = client.get(_url("questions", cast.community) + "?show=solved")
    assert [t.pk for t in solved_page.context["page"].items] == [solved.pk]
    unanswered = client.get(_url("questions", cast.community) + "?show=unanswered")
    assert [t.pk for t in unanswered.context["page"].items] == [open_q.pk]

    discussions = client.get(_url("discussions", cast.community)).content.decode()
    assert "Friday demo" in discussions and open_q.title not in discussions


def test_list_filters_by_tag_pages_with_a_cursor_and_answers_htmx_with_rows(
    cast_factory, thread_factory, settings
):
    settings.PRACTICA_RATE_LIMITS = {**settings.PRACTICA_RATE_LIMITS, "post": (100, 600)}
    cast = cast_factory()
    for n in range(22):
        thread_factory(cast.community, title=f"Question number {n:02d} here", tags=["ops"])
    thread_factory(cast.community, title="Untagged question here", tags=[])
    client = client_for(cast.member)
    first = client.get(_url("questions", cast.community) + "?tag=ops")
    assert len(first.context["page"].items) == 20
    cursor = first.context["page"].next_cursor
    assert cursor and f"cursor={cursor}" in first.content.decode()
    second = client.get(_url("questions", cast.community) + f"?tag=ops&cursor={cursor}", headers=HX)
    body = second.content.decode()
    assert body.count('<li class="thread-row') == 2
    assert "<html" not in body and 'id="thread-rows"' in body
    assert "Untagged" not in body
    assert client.get(_url("questions", cast.community) + "?cursor=nope").status_code == 400


def test_a_private_communitys_thread_is_404_for_an_outsider(cast_factory, thread_factory):
    cast = cast_factory("private")
    thread = thread_factory(cast.community)
    outsider = client_for(cast.outsider)
    assert outsider.get(thread.get_absolute_url()).status_code == 404
    assert outsider.get(_url("questions", cast.community)).status_code == 404
    assert outsider.post(_url("thread_vote", thread, pk=thread.pk), {"value": 1}).status_code == 404
    assert client_for(cast.member).get(thread.get_absolute_url()).status_code == 200


# --- Asking --------------------------------------------------------------------------------------


def test_asking_a_question_redirects_to_it(cast_factory):
    cast = cast_factory()
    response = client_for(cast.member).post(
        _url("ask", cast.community),
        {
            "kind": "question",
            "title": "How do we test database migrations?",
            "body": "We break staging **every** release.",
            "tags": "Databases, migrations",
        },
    )
    thread = Thread.objects.get()
    assert response.status_code == 302 and response["Location"] == thread.get_absolute_url()
    assert sorted(t.name for t in thread.tags.all()) == ["databases", "migrations"]
    page = client_for(cast.member).get(thread.get_absolute_url()).content.decode()
    assert "<strong>every</strong>" in page


def test_asking_with_bad_fields_shows_errors_and_saves_nothing(cast_factory):
    cast = cast_factory()
    response = client_for(cast.member).post(
        _url("ask", cast.community),
        {"kind": "question", "title": "Short", "body": "   ", "tags": "a,b,c,d,e,f"},
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"title", "body", "tags"}
    assert "at least 8 characters" in response.content.decode()
    assert not Thread.objects.exists() and not Tag.objects.exists()


def test_a_non_member_sees_a_join_button_instead_of_the_ask_form(cast_factory):
    cast = cast_factory()
    response = client_for(cast.outsider).get(_url("ask", cast.community))
    body = response.content.decode()
    assert "Only members of" in body
    assert reverse("communities:join", args=[cast.community.slug]) in body
    assert 'name="title"' not in body
    denied = client_for(cast.outsider).post(
        _url("ask", cast.community), {"kind": "question", "title": "x" * 20, "body": "hello"}
    )
    assert denied.status_code == 403 and not Thread.objects.exists()


def test_discussion_kind_is_preselected_from_the_query(cast_factory):
    cast = cast_factory()
    response = client_for(cast.member).get(_url("ask", cast.community) + "?kind=discussion")
    assert response.context["form"]["kind"].value() == "discussion"
    assert "Start a discussion" in response.content.decode()


def test_preview_renders_sanitised_markdown(user_factory):
    client = client_for(user_factory())
    response = client.post("/preview/", {"body": "**hi** <script>alert(1)</script>"})
    assert response.status_code == 200
    assert "<strong>hi</strong>" in response.content.decode()
    assert "<script>" not in response.content.decode()
    assert client.post("/preview/", {"body": "x" * 30_001}).status_code == 400
    assert client.get("/preview/").status_code == 405


def test_preview_needs_a_signed_in_person(db):
    from django.test import Client

    response = Client().post("/preview/", {"body": "hi"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- The thread page ----------------------------------------------------------------------------


def test_answering_without_and_with_htmx(cast_factory, thread_factory):
    cast = cast_factory()
    thread = thread_factory(cast.community, author=cast.owner)
    client = client_for(cast.member)
    url = _url("answer_create", thread, pk=thread.pk)
    response = client.post(url, {"body": "Run them against a copy of production."})
    answer = Answer.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"#answer-{answer.pk}")

    fragment = client_for(cast.facilitator).post(url, {"body": "Use expand/contract."}, headers=HX)
    body = fragment.content.decode()
    assert fragment.status_code == 200 and "<html" not in body
    assert 'id="answers"' in body and "Use expand/contract." in body and "2 answers" in body


def test_an_empty_answer_shows_the_error_and_saves_nothing(cast_factory, thread_factory):
    cast = cast_factory()
    thread = thread_factory(cast.community)
    response = client_for(cast.member).post(
        _url("answer_create", thread, pk=thread.pk), {"body": "  "}, headers=HX
    )
    assert response.status_code == 400
    assert "an empty answer helps nobody" in response.content.decode()
    assert not Answer.objects.exists()


def test_voting_on_a_question_and_an_answer(cast_factory, thread_factory):
    cast = cast_factory()
    thread = thread_factory(cast.community, author=cast.owner, answers=1)
    answer = thread.answers.get()
    client = client_for(cast.member)
    response = client.post(_url("thread_vote", thread, pk=thread.pk), {"value": "1"})
    assert response.status_code == 302
    thread.refresh_from_db()
    assert thread.score == 1

    fragment = client.post(_url("answer_vote", thread, pk=answer.pk), {"value": "-1"}, headers=HX)
    body = fragment.content.decode()
    assert f'id="vote-answer-{answer.pk}"' in body and "<html" not in body
    assert re.search(r'class="vote__score"[^>]*>-1<', body)
    assert Vote.objects.get(answer=answer).value == -1

    client.post(_url("answer_vote", thread, pk=answer.pk), {"value": "0"}, headers=HX)
    answer.refresh_from_db()
    assert answer.score == 0 and not Vote.objects.filter(answer=answer).exists()
    bad = client.post(_url("thread_vote", thread, pk=thread.pk), {"value": "7"})
    assert bad.status_code == 302
    thread.refresh_from_db()
    assert thread.score == 1


def test_your_own_post_has_no_vote_buttons(cast_factory, thread_factory):
    cast = cast_factory()
    thread = thread_factory(cast.community, author=cast.member)
    mine = client_for(cast.member).get(thread.get_absolute_url()).content.decode()
    assert "Upvote this question" not in mine
    theirs = client_for(cast.owner).get(thread.get_absolute_url()).content.decode()
    assert "Upvote this question" in theirs


def test_accepting_an_answer_pins_it_and_marks_the_question_solved(cast_factory, thread_factory):
    cast = cast_factory()
    thread = thread_factory(cast.community, author=cast.member, answers=2)
    first, second = thread.answers.order_by("pk")
    client = client_for(cast.member)
    response = client.post(_url("answer_accept", thread, pk=second.pk))
    assert response.status_code == 302
    thread.refresh_from_db()
    assert thread.accepted_answer_id == second.pk

    moved = client.post(_url("answer_accept", thread, pk=first.pk), headers=HX)
    assert moved.headers["HX-Refresh"] == "true"  # the solved badge changes too: reload
    page = client.get(thread.get_absolute_url()).content.decode()
    assert page.index(f'id="answer-{first.pk}"') < page.index(f'id="answer-{second.pk}"')
    assert "Accepted answer" in page
    assert "✓ Solved" in page

    client.post(_url("answer_accept", thread, pk=first.pk), {"undo": "1"})
    thread.refresh_from_db()
    assert thread.accepted_answer_id is None


def test_only_the_asker_or_a_facilitator_may_accept(cast_factory, thread_factory, user_factory):
    cast = cast_factory()
    thread = thread_factory(cast.community, author=cast.owner, answers=1)
    answer = thread.answers.get()
    page = client_for(cast.member).get(thread.get_absolute_url()).content.decode()
    assert "✓ Accept" not in page
    response = client_for(cast.member).post(
        _url("answer_accept", thread, pk=answer.pk), follow=True
    )
    assert "not allowed" in response.content.decode()
    thread.refresh_from_db()
    assert thread.accepted_answer_id is None


def test_commenting_and_replying_without_and_with_htmx(cast_factory, thread_factory):
    cast = cast_factory()
    thread = thread_factory(cast.community, answers=1)
    answer = thread.answers.get()
    client = client_for(cast.member)
    url = _url("comment_create", thread, pk=thread.pk)
    response = client.post(url, {"body": "Which version of Postgres?"})
    comment = Comment.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"#comment-{comment.pk}")

    fragment = client_for(cast.owner).post(
        url, {"body": "Version 16.", "parent": comment.pk}, headers=HX
    )
    body = fragment.content.decode()
    reply = Comment.objects.get(parent=comment)
    assert f'id="comments-thread-{thread.pk}"' in body and "<html" not in body
    assert "comment-list--replies" in body and "Version 16." in body
    assert reply.answer_id is None

    page = client.get(thread.get_absolute_url()).content.decode()
    assert "Which version of Postgres?" in page and "Version 16." in page
    assert page.index("Which version of Postgres?") < page.index(f'id="answer-{answer.pk}"')

    on_answer = client.post(url, {"body": "Does this work on 15?", "answer": answer.pk}, headers=HX)
    assert f'id="comments-answer-{answer.pk}"' in on_answer.content.decode()
    assert Comment.objects.get(answer=answer).body == "Does this work on 15?"


def test_an_empty_comment_is_refused_with_its_error(cast_factory, thread_factory):
    cast = cast_factory()
    thread = thread_factory(cast.community)
    response = client_for(cast.member).post(
        _url("comment_create", thread, pk=thread.pk), {"body": ""}, headers=HX
    )
    assert response.status_code == 400
    assert "an empty comment helps nobody" in response.content.decode()
    assert not Comment.objects.exists()


def test_reactions_toggle_on_discussions_and_comments(cast_factory, thread_factory):
    cast = cast_factory()
    thread = thread_factory(cast.community, kind="discussion")
    comment = services.comment_create(author=cast.owner, thread=thread, body="Agreed.")
    client = client_for(cast.member)
    fragment = client.post(
        _url("thread_react", thread, pk=thread.pk), {"emoji": "tada"}, headers=HX
    )
    body = fragment.content.decode()
    assert f'id="rx-thread-{thread.pk}"' in body and 'aria-pressed="true"' in body
    client.post(_url("thread_react", thread, pk=thread.pk), {"emoji": "tada"})
    assert not thread.reactions.exists()
    fragment = client.post(
        _url("comment_react", thread, pk=comment.pk), {"emoji": "heart"}, headers=HX
    )
    assert f'id="rx-comment-{comment.pk}"' in fragment.content.decode()
    assert comment.reactions.get().emoji == "heart"


def test_following_and_unfollowing(cast_factory, thread_factory):
    cast = cast_factory()
    thread = thread_factory(cast.community)
    client = client_for(cast.member)
    fragment = client.post(
        _url("thread_follow", thread, pk=thread.pk), {"following": "1"}, headers=HX
    )
    assert "✓ Following" in fragment.content.decode()
    assert Follow.objects.filter(user=cast.member, thread=thread).exists()
    client.post(_url("thread_follow", thread, pk=thread.pk), {"following": "0"})
    assert not Follow.objects.filter(user=cast.member, thread=thread).exists()


def test_moderators_see_deleted_answers_greyed_and_members_do_not(cast_factory, thread_factory):
    cast = cast_factory()
    thread = thread_factory(cast.community, answers=1)
    answer = thread.answers.get()
    response = client_for(answer.author).post(_url("answer_delete", thread, pk=answer.pk))
    assert response.status_code == 302
    assert (
        f'id="answer-{answer.pk}"'
        not in client_for(cast.member).get(thread.get_absolute_url()).content.decode()
    )
    mod = client_for(cast.facilitator).get(thread.get_absolute_url()).content.decode()
    assert f'id="answer-{answer.pk}"' in mod and "badge--deleted" in mod


def test_an_asker_cannot_delete_a_question_with_an_accepted_answer(cast_factory, thread_factory):
    cast = cast_factory()
    thread = thread_factory(cast.community, author=cast.member, answers=1)
    services.answer_accept(actor=cast.member, answer=thread.answers.get())
    response = client_for(cast.member).post(
        _url("thread_delete", thread, pk=thread.pk), follow=True
    )
    thread.refresh_from_db()
    assert thread.deleted_at is None
    assert "has an accepted answer, so it stays" in response.content.decode()
    client_for(cast.facilitator).post(_url("thread_delete", thread, pk=thread.pk))
    thread.refresh_from_db()
    assert thread.deleted_at is not None


def test_thread_page_query_count_does_not_grow_with_answers(
    cast_factory, thread_factory, user_factory, django_assert_max_num_queries, monkeypatch
):
    """Rendered (nothing cached) and from the page cache, at 5 answers and at 200."""
    monkeypatch.setattr(fragments, "_minute", lambda: 29_000_000)  # keys include the minute
    cast = cast_factory()
    thread = thread_factory(cast.community, author=cast.member, answers=5, tags=["ops"])
    first = thread.answers.first()
    services.comment_create(author=cast.owner, thread=thread, body="On the question")
    services.comment_create(author=cast.owner, thread=thread, body="On an answer", answer=first)
    client = client_for(cast.member)
    client.get(thread.get_absolute_url())
    caches["pages"].clear()
    caches["fragments"].clear()
    with django_assert_max_num_queries(40) as rendered:
        assert client.get(thread.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(40) as cached:
        assert client.get(thread.get_absolute_url()).status_code == 200
    assert len(cached.captured_queries) < len(rendered.captured_queries)
    people = [user_factory() for _ in range(5)]
    Answer.objects.bulk_create(
        Answer(thread=thread, author=people[i % 5], body=f"More {i}", body_html=f"<p>More {i}</p>")
        for i in range(195)
    )
    Comment.objects.bulk_create(
        Comment(thread=thread, answer=first, author=people[i % 5], body="c", body_html="<p>c</p>")
        for i in range(50)
    )
    # bulk_create skips the services, which move the version on: do what they do.
    Thread.objects.filter(pk=thread.pk).update(version=F("version") + 1)
    assert len(rendered.captured_queries) <= 30, len(rendered.captured_queries)
    with django_assert_max_num_queries(len(rendered.captured_queries)):
        response = client.get(thread.get_absolute_url())
    assert response.content.decode().count('class="post post--answer') == 200
    with django_assert_max_num_queries(len(cached.captured_queries)):
        again = client.get(thread.get_absolute_url())
    assert _tokenless(again) == _tokenless(response)


def _tokenless(response) -> str:
    """The page with its CSRF tokens (masked afresh on every response) blanked out."""
    return re.sub(r"\b[A-Za-z0-9]{64}\b", "TOKEN", response.content.decode())


# --- Experts and "asked of me" --------------------------------------------------------------------


def test_asking_experts_puts_the_question_in_their_asked_of_me_list(cast_factory, thread_factory):
    cast = cast_factory()
    earlier = thread_factory(cast.community, author=cast.owner, tags=["ops"])
    answer = services.answer_create(author=cast.facilitator, thread=earlier, body="Do this.")
    services.answer_accept(actor=cast.owner, answer=answer)
    thread = thread_factory(cast.community, author=cast.member, tags=["ops"])
    client = client_for(cast.member)
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "Who knows about this?" in page and "1 accepted answer on" in page
    response = client.post(
        _url("thread_ask", thread, pk=thread.pk), {"user_ids": [cast.facilitator.pk]}
    )
    assert response.status_code == 302
    assert AskRequest.objects.filter(thread=thread, user=cast.facilitator).exists()

    asked = client_for(cast.facilitator).get(reverse("discussions:asked")).content.decode()
    assert thread.title in asked and "open" in asked
    services.answer_create(author=cast.facilitator, thread=thread, body="Here you go.")
    asked = client_for(cast.facilitator).get(reverse("discussions:asked")).content.decode()
    assert "answered" in asked
    home = client_for(cast.facilitator).get("/").content.decode()
    assert "Asked of you" in home


def test_experts_box_is_only_for_the_asker_and_facilitators(cast_factory, thread_factory):
    cast = cast_factory()
    thread = thread_factory(cast.community, author=cast.owner, tags=["ops"])
    assert (
        "Who knows about this?"
        not in client_for(cast.member).get(thread.get_absolute_url()).content.decode()
    )
    refused = client_for(cast.member).post(
        _url("thread_ask", thread, pk=thread.pk), {"user_ids": [cast.facilitator.pk]}
    )
    assert refused.status_code == 302 and not AskRequest.objects.exists()


# --- Editing and revisions -------------------------------------------------------------------------


def test_editing_with_a_reason_shows_in_the_revisions_with_a_diff(cast_factory, thread_factory):
    cast = cast_factory()
    thread = thread_factory(
        cast.community, author=cast.member, body="Deploys fail on Fridays.", tags=["ops"]
    )
    client = client_for(cast.member)
    edit_url = _url("thread_edit", thread, pk=thread.pk)
    assert client.get(edit_url).status_code == 200
    response = client.post(
        edit_url,
        {
            "title": thread.title,
            "body": "Deploys fail on Mondays <b>too</b>.",
            "tags": "ops, deploys",
            "reason": "Added the Monday failures",
        },
    )
    assert response.status_code == 302
    page = client.get(_url("thread_revisions", thread, pk=thread.pk)).content.decode()
    assert "Added the Monday failures" in page
    assert "<del>Fridays.</del><ins>Mondays &lt;b&gt;too&lt;/b&gt;.</ins>" in page
    assert "<b>too</b>" not in page
    assert "<ins>deploys</ins>" in page


def test_an_edit_with_errors_changes_nothing(cast_factory, thread_factory):
    cast = cast_factory()
    thread = thread_factory(cast.community, author=cast.member)
    response = client_for(cast.member).post(
        _url("thread_edit", thread, pk=thread.pk),
        {"title": "", "body": "changed", "tags": "", "reason": "r"},
    )
    assert response.status_code == 400 and "title" in response.context["form"].errors
    thread.refresh_from_db()
    assert thread.body == "How do we do this well?" and thread.revisions.count() == 1


def test_others_may_not_edit_and_get_403(cast_factory, thread_factory):
    cast = cast_factory()
    thread = thread_factory(cast.community, author=cast.owner)
    assert client_for(cast.member).get(_url("thread_edit", thread, pk=thread.pk)).status_code == 403


def test_answer_edit_and_its_revisions(cast_factory, thread_factory):
    cast = cast_factory()
    thread = thread_factory(cast.community, answers=1)
    answer = thread.answers.get()
    client = client_for(answer.author)
    response = client.post(
        _url("answer_edit", thread, pk=answer.pk), {"body": "Try this instead.", "reason": "Better"}
    )
    assert response.status_code == 302
    page = client.get(_url("answer_revisions", thread, pk=answer.pk)).content.decode()
    assert "Better" in page and "<ins>instead.</ins>" in page


def test_a_facilitator_rolls_back_and_toggles_wiki(cast_factory, thread_factory):
    cast = cast_factory()
    thread = thread_factory(cast.community, author=cast.member, body="First text")
    services.thread_update(actor=cast.member, thread=thread, body="Vandalised", reason="")
    member_page = client_for(cast.member).get(_url("thread_revisions", thread, pk=thread.pk))
    assert "Roll back to this" not in member_page.content.decode()
    client = client_for(cast.facilitator)
    page = client.get(_url("thread_revisions", thread, pk=thread.pk)).content.decode()
    assert "Roll back to this" in page
    response = client.post(_url("thread_rollback", thread, pk=thread.pk, number=1))
    assert response.status_code == 302
    thread.refresh_from_db()
    assert thread.body == "First text" and thread.revisions.count() == 3
    assert (
        client_for(cast.member)
        .post(_url("thread_rollback", thread, pk=thread.pk, number=2))
        .status_code
        == 302
    )
    thread.refresh_from_db()
    assert thread.body == "First text"

    client.post(_url("thread_wiki", thread, pk=thread.pk), {"is_wiki": "1"})
    thread.refresh_from_db()
    assert thread.is_wiki
    assert client_for(cast.owner).get(_url("thread_edit", thread, pk=thread.pk)).status_code == 200


# --- Tags ---------------------------------------------------------------------------------------


def test_tag_pages_list_threads_and_facilitators_rename_and_merge(cast_factory, thread_factory):
    cast = cast_factory()
    one = thread_factory(cast.community, tags=["k8s"], title="Pods keep restarting, why?")
    two = thread_factory(cast.community, tags=["kubernetes"], title="Helm or kustomize here?")
    member = client_for(cast.member)
    tags = member.get(_url("tags", cast.community)).content.decode()
    assert "k8s" in tags and "kubernetes" in tags
    tag_page = member.get(_url("tag", cast.community, tag="k8s"))
    assert one.title in tag_page.content.decode() and two.title not in tag_page.content.decode()
    assert "Rename or describe" not in tag_page.content.decode()
    assert (
        member.post(_url("tag_edit", cast.community, tag="k8s"), {"name": "x"}).status_code == 403
    )

    fac = client_for(cast.facilitator)
    response = fac.post(
        _url("tag_edit", cast.community, tag="k8s"),
        {"name": "containers", "description": "Running containers"},
    )
    assert response.status_code == 302 and response["Location"].endswith("/tags/containers/")
    clash = fac.post(_url("tag_edit", cast.community, tag="containers"), {"name": "kubernetes"})
    assert clash.status_code == 400 and "merge the two tags" in clash.content.decode()
    missing = fac.post(_url("tag_merge", cast.community, tag="containers"), {"target": "nope"})
    assert missing.status_code == 400 and Tag.objects.filter(name="containers").exists()
    merged = fac.post(_url("tag_merge", cast.community, tag="containers"), {"target": "kubernetes"})
    assert merged.status_code == 302
    assert not Tag.objects.filter(name="containers").exists()
    assert set(Thread.objects.filter(tags__name="kubernetes")) == {one, two}


# --- Elsewhere ------------------------------------------------------------------------------------


def test_community_overview_and_home_show_latest_threads(cast_factory, thread_factory):
    cast = cast_factory()
    thread = thread_factory(cast.community, title="What is our on-call policy?")
    overview = client_for(cast.member).get(cast.community.get_absolute_url()).content.decode()
    assert thread.title in overview and "Questions</a>" in overview
    home = client_for(cast.member).get("/").content.decode()
    assert thread.title in home
    assert thread.title not in client_for(cast.outsider).get("/").content.decode()


def test_profile_shows_reputation(cast_factory, thread_factory):
    cast = cast_factory()
    thread = thread_factory(cast.community, answers=1)
    answer = thread.answers.get()
    services.vote_set(user=cast.member, target=answer, value=1)
    services.answer_accept(actor=cast.owner, answer=answer)
    page = client_for(cast.member).get(answer.author.get_absolute_url()).content.decode()
    assert re.search(r"<strong>25</strong> reputation", page)


def test_a_deleted_thread_is_greyed_for_facilitators_and_gone_for_members(
    cast_factory, thread_factory
):
    cast = cast_factory()
    thread = thread_factory(cast.community, author=cast.member, answers=1)
    response = client_for(cast.member).post(_url("thread_delete", thread, pk=thread.pk))
    assert response.status_code == 302 and response["Location"].endswith("/questions/")
    assert client_for(cast.member).get(thread.get_absolute_url()).status_code == 404
    page = client_for(cast.facilitator).get(thread.get_absolute_url()).content.decode()
    assert "post--thread is-deleted" in page and "badge--deleted" in page
    assert 'id="answer-form"' not in page
    listed = client_for(cast.member).get(_url("questions", cast.community)).content.decode()
    assert thread.title not in listed


def test_the_header_links_to_ask_and_asked_of_me(cast_factory):
    cast = cast_factory()
    page = client_for(cast.member).get(cast.community.get_absolute_url()).content.decode()
    assert f'href="{_url("ask", cast.community)}"' in page
    assert f'href="{reverse("discussions:asked")}"' in page
    only = client_for(cast.member).get(reverse("discussions:ask_any"))
    assert only.status_code == 302 and only["Location"] == _url("ask", cast.community)
