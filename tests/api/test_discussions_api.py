"""The discussions API, called the way an integrator would: with a personal access token."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from practica.discussions import services
from practica.discussions.models import Answer, Comment, Thread, Vote
from tests.conftest import Api as BaseApi
from tests.discussions import conftest as discussions_fixtures

thread_factory = discussions_fixtures.thread_factory


class Api(BaseApi):
    def put(self, path: str, json=None):
        return self._do("put", path, json=json or {})


@pytest.fixture
def api_for(db):
    return Api


def _url(obj) -> str:
    return f"http://testserver{obj.get_absolute_url()}"


@pytest.fixture
def members(cast_factory, user_factory, add_member):
    """A public community with its cast plus three more members: two who know `sql`."""

    def make(visibility="public", join_policy=""):
        cast = cast_factory(visibility, join_policy)
        extra = [user_factory(name) for name in ("Ena Expert", "Ike Insight", "Una Upvoter")]
        for person in extra:
            add_member(cast.community, person)
        return cast, extra

    return make


def test_ask_find_experts_answer_vote_comment_accept_and_edit(api_for, members, thread_factory):
    cast, (ena, ike, una) = members()
    c = cast.community
    # Earlier work on `sql`: Ena's answer was accepted, Ike's was upvoted.
    old = thread_factory(c, author=cast.facilitator, tags=["sql"])
    accepted = services.answer_create(author=ena, thread=old, body="Use an index.")
    services.answer_accept(actor=cast.facilitator, answer=accepted)
    upvoted = services.answer_create(author=ike, thread=old, body="EXPLAIN first.")
    services.vote_set(user=una, target=upvoted, value=1)

    asker = api_for(cast.member)
    response = asker.post(
        f"/communities/{c.slug}/threads",
        {"title": "Why is this query slow?", "body": "It *crawls*.", "tags": ["SQL"]},
    )
    assert response.status_code == 201
    thread = response.json()
    t = Thread.objects.get(pk=thread["id"])
    assert thread["url"] == _url(t)
    assert thread["community"] == c.slug
    assert thread["tags"] == ["sql"]
    assert thread["body_html"] == "<p>It <em>crawls</em>.</p>\n"
    assert thread["author"]["id"] == cast.member.pk
    assert (thread["score"], thread["my_vote"], thread["is_solved"]) == (0, None, False)

    experts = asker.get(f"/threads/{t.pk}/experts").json()["items"]
    by_id = {e["id"]: e for e in experts}
    assert set(by_id) == {ena.pk, ike.pk}
    assert by_id[ena.pk]["reasons"] == ["1 accepted answer on `sql`"]
    assert by_id[ike.pk]["reasons"] == ["1 upvote on answers about `sql`"]
    assert by_id[ena.pk]["url"] == _url(ena)

    asked = asker.post(f"/threads/{t.pk}/ask", {"user_ids": [ena.pk, ike.pk]})
    assert asked.status_code == 200
    assert {a["user"]["id"] for a in asked.json()["items"]} == {ena.pk, ike.pk}
    assert set(t.ask_requests.values_list("user_id", flat=True)) == {ena.pk, ike.pk}

    expert = api_for(ena)
    response = expert.post(f"/threads/{t.pk}/answers", {"body": "Add an index on `user_id`."})
    assert response.status_code == 201
    answer = response.json()
    assert answer["url"] == f"{_url(t)}#answer-{answer['id']}"
    assert answer["thread_id"] == t.pk

    voted = asker.put(f"/answers/{answer['id']}/vote", {"value": 1})
    assert voted.json() == {"id": answer["id"], "url": answer["url"], "score": 1, "my_vote": 1}
    own = expert.put(f"/answers/{answer['id']}/vote", {"value": 1})
    assert own.status_code == 422
    assert "own" in own.json()["message"]

    comment = expert.post(f"/threads/{t.pk}/comments", {"body": "Which database?"}).json()
    reply = asker.post(
        f"/threads/{t.pk}/comments", {"body": "PostgreSQL 16.", "parent_id": comment["id"]}
    )
    assert reply.status_code == 201
    assert reply.json()["parent_id"] == comment["id"]
    on_answer = asker.post(f"/answers/{answer['id']}/comments", {"body": "Trying it now."})
    assert on_answer.json()["answer_id"] == answer["id"]
    comments = asker.get(f"/threads/{t.pk}/comments").json()["items"]
    assert [x["body"] for x in comments] == ["Which database?", "PostgreSQL 16.", "Trying it now."]
    assert comments[0]["url"] == f"{_url(t)}#comment-{comment['id']}"

    solved = asker.post(f"/answers/{answer['id']}/accept")
    assert solved.status_code == 200
    assert solved.json()["is_solved"] is True
    assert solved.json()["accepted_answer_id"] == answer["id"]

    edited = asker.patch(
        f"/threads/{t.pk}", {"body": "It *crawls* on 10M rows.", "reason": "Added the size"}
    )
    assert edited.status_code == 200
    assert edited.json()["edited_at"] is not None
    revisions = asker.get(f"/threads/{t.pk}/revisions").json()["items"]
    assert [(r["number"], r["body"], r["reason"]) for r in revisions] == [
        (2, "It *crawls* on 10M rows.", "Added the size"),
        (1, "It *crawls*.", "First version"),
    ]
    assert revisions[1]["tags"] == ["sql"]
    assert revisions[0]["url"] == f"{_url(t)}revisions/"

    seen = api_for(una).get(f"/threads/{t.pk}").json()
    assert (seen["answer_count"], seen["comment_count"], seen["is_solved"]) == (1, 3, True)
    answers = api_for(una).get(f"/threads/{t.pk}/answers").json()["items"]
    assert [(a["id"], a["score"], a["is_accepted"]) for a in answers] == [(answer["id"], 1, True)]
    assert api_for(cast.member).get(f"/threads/{t.pk}/answers").json()["items"][0]["my_vote"] == 1


def test_list_filters_sorts_and_pages_with_a_cursor(api_for, members, thread_factory):
    cast, (ena, ike, una) = members()
    c = cast.community
    open_q = thread_factory(c, author=cast.member, title="An open question here")
    solved_q = thread_factory(c, author=cast.member, tags=["python"], answers=1)
    services.answer_accept(actor=cast.member, answer=solved_q.answers.get())
    talk = thread_factory(c, author=ena, kind="discussion", title="Let us talk about it")
    services.vote_set(user=ike, target=open_q, value=1)
    api = api_for(una)

    def ids(**params):
        body = api.get(f"/communities/{c.slug}/threads", **params)
        assert body.status_code == 200, body.json()
        return [t["id"] for t in body.json()["items"]]

    assert ids(status="unanswered") == [open_q.pk]
    assert ids(status="solved") == [solved_q.pk]
    assert ids(kind="discussion") == [talk.pk]
    assert ids(tag="python") == [solved_q.pk]
    assert ids(tag="Python") == [solved_q.pk]
    assert ids(tag="nothing-like-it") == []
    assert ids(sort="top")[0] == open_q.pk
    assert ids(sort="new") == [talk.pk, solved_q.pk, open_q.pk]

    first = api.get(f"/communities/{c.slug}/threads", sort="new", limit=2).json()
    assert [t["id"] for t in first["items"]] == [talk.pk, solved_q.pk]
    second = api.get(
        f"/communities/{c.slug}/threads", sort="new", limit=2, cursor=first["next_cursor"]
    ).json()
    assert [t["id"] for t in second["items"]] == [open_q.pk]
    assert second["next_cursor"] is None
    assert api.get(f"/communities/{c.slug}/threads", cursor="garbage!").status_code == 400
    bad = api.get(f"/communities/{c.slug}/threads", limit=1000, status="closed")
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"limit", "status"}

    tags = api.get(f"/communities/{c.slug}/tags").json()["items"]
    assert [(t["name"], t["thread_count"]) for t in tags] == [("python", 1)]
    assert tags[0]["url"] == _url(solved_q.tags.get())


def test_a_page_of_threads_costs_the_same_queries_however_long(api_for, members, thread_factory):
    cast, (ena, _ike, una) = members()
    c = cast.community
    api = api_for(una)
    api.get("/me")  # the token's first use is recorded once

    def queries(n: int) -> int:
        for i in range(n):
            t = thread_factory(c, author=ena, tags=["a", f"t{i}"])
            services.vote_set(user=una, target=t, value=1)
        with CaptureQueriesContext(connection) as ctx:
            items = api.get(f"/communities/{c.slug}/threads", limit=100).json()["items"]
        assert all(t["my_vote"] == 1 for t in items)
        return len(ctx.captured_queries)

    assert queries(2) == queries(5)


@pytest.mark.parametrize("visibility", ["private", "secret"])
def test_threads_of_a_closed_community_are_a_404_to_outsiders(
    api_for, cast_factory, thread_factory, visibility
):
    cast = cast_factory(visibility, "request" if visibility == "private" else "")
    t = thread_factory(cast.community, author=cast.member, tags=["x"], answers=1)
    answer = t.answers.get()
    outsider = api_for(cast.outsider)
    missing = outsider.get("/threads/999999")
    for path in (
        f"/threads/{t.pk}",
        f"/threads/{t.pk}/answers",
        f"/threads/{t.pk}/comments",
        f"/threads/{t.pk}/revisions",
        f"/threads/{t.pk}/experts",
        f"/answers/{answer.pk}",
        f"/communities/{cast.community.slug}/threads",
        f"/communities/{cast.community.slug}/tags",
    ):
        response = outsider.get(path)
        assert response.status_code == 404, path
        assert response.json() == missing.json()
    assert outsider.put(f"/threads/{t.pk}/vote", {"value": 1}).status_code == 404
    assert outsider.post(f"/threads/{t.pk}/answers", {"body": "Let me in"}).status_code == 404
    assert outsider.put(f"/answers/{answer.pk}/vote", {"value": 1}).status_code == 404
    assert not Vote.objects.exists()
    assert api_for(cast.member).get(f"/threads/{t.pk}").status_code == 200


def test_an_outsider_reads_a_public_community_but_may_not_post(api_for, cast_factory):
    cast = cast_factory()
    outsider = api_for(cast.outsider)
    assert outsider.get(f"/communities/{cast.community.slug}/threads").status_code == 200
    response = outsider.post(
        f"/communities/{cast.community.slug}/threads", {"title": "Can I ask this?", "body": "Hi"}
    )
    assert response.status_code == 403
    assert not Thread.objects.exists()


def test_a_member_may_not_edit_or_delete_anothers_post(api_for, members, thread_factory):
    cast, (ena, _ike, _una) = members()
    t = thread_factory(cast.community, author=ena, answers=1)
    answer = t.answers.get()
    api = api_for(cast.member)
    assert api.patch(f"/threads/{t.pk}", {"title": "Mine now, all mine"}).status_code == 403
    assert api.patch(f"/answers/{answer.pk}", {"body": "Mine now"}).status_code == 403
    assert api.delete(f"/threads/{t.pk}").status_code == 403
    assert api.delete(f"/answers/{answer.pk}").status_code == 403
    assert api.post(f"/answers/{answer.pk}/accept").status_code == 403
    t.refresh_from_db()
    answer.refresh_from_db()
    assert t.title != "Mine now, all mine"
    assert answer.body != "Mine now"
    assert t.deleted_at is None and answer.deleted_at is None and t.accepted_answer_id is None


def test_authors_edit_and_delete_their_own_posts(api_for, members, thread_factory):
    cast, (ena, ike, _una) = members()
    t = thread_factory(cast.community, author=ena)
    answer = services.answer_create(author=ike, thread=t, body="First go.")
    api = api_for(ike)
    edited = api.patch(f"/answers/{answer.pk}", {"body": "Second go.", "reason": "typo"})
    assert edited.json()["body"] == "Second go."
    assert api.delete(f"/answers/{answer.pk}").status_code == 204
    assert api.get(f"/threads/{t.pk}/answers").json()["items"] == []
    assert api.get(f"/threads/{t.pk}").json()["answer_count"] == 0
    author = api_for(ena)
    assert author.delete(f"/threads/{t.pk}").status_code == 204
    assert author.get(f"/threads/{t.pk}").status_code == 404
    assert author.get(f"/communities/{cast.community.slug}/threads").json()["items"] == []
    assert api_for(cast.facilitator).get(f"/threads/{t.pk}").status_code == 200


def test_bad_input_names_the_field_and_saves_nothing(api_for, members, thread_factory):
    cast, (ena, _ike, _una) = members()
    api = api_for(cast.member)
    path = f"/communities/{cast.community.slug}/threads"
    response = api.post(path, {"title": "Short", "body": "   "})
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"title", "body"}
    too_long = api.post(path, {"title": "Long enough title", "body": "x" * 30_001})
    assert too_long.json()["errors"][0]["field"] == "body"
    assert (
        api.post(path, {"title": "x" * 201, "body": "Hi"}).json()["errors"][0]["field"] == "title"
    )
    assert not Thread.objects.exists()

    t = thread_factory(cast.community, author=ena)
    response = api.put(f"/threads/{t.pk}/vote", {"value": 2})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "value"
    empty = api.post(f"/threads/{t.pk}/answers", {"body": ""})
    assert empty.json()["errors"][0]["field"] == "body"
    comment = api.post(f"/threads/{t.pk}/comments", {"body": "ok", "parent_id": 999999})
    assert comment.json()["errors"][0]["field"] == "parent_id"
    asked = api_for(ena).post(f"/threads/{t.pk}/ask", {"user_ids": [cast.outsider.pk]})
    assert asked.json()["errors"][0]["field"] == "user_ids"
    not_an_object = api_for(ena).patch(f"/threads/{t.pk}", [None, None])
    assert not_an_object.status_code == 422
    assert "JSON object" in not_an_object.json()["message"]
    tags = api_for(ena).patch(f"/threads/{t.pk}", {"tags": ["a", "b", "c", "d", "e", "f"]})
    assert tags.json()["errors"][0]["field"] == "tags"
    assert not (Vote.objects.exists() or Answer.objects.exists() or Comment.objects.exists())
    assert not t.ask_requests.exists()
    assert t.revisions.count() == 1


def test_posting_too_fast_is_refused_with_429(api_for, members, settings):
    settings.PRACTICA_RATE_LIMITS = {"post": (2, 600), "vote": (1, 60), "edit": (60, 600)}
    cast, _ = members()
    api = api_for(cast.member)
    path = f"/communities/{cast.community.slug}/threads"
    statuses = [
        api.post(path, {"title": f"Question number {i}", "body": "Why?"}).status_code
        for i in range(3)
    ]
    assert statuses == [201, 201, 429]
    refused = api.post(path, {"title": "Question number 4", "body": "Why?"})
    assert int(refused.headers["Retry-After"]) > 0
    assert "too often" in refused.json()["message"]
    assert Thread.objects.count() == 2


def test_the_score_is_the_sum_of_the_votes_everywhere(api_for, members, thread_factory):
    cast, (ena, ike, una) = members()
    t = thread_factory(cast.community, author=cast.member)
    for person, value in ((ena, 1), (ike, 1), (una, 1), (cast.facilitator, -1)):
        assert api_for(person).put(f"/threads/{t.pk}/vote", {"value": value}).status_code == 200
    changed = api_for(una).put(f"/threads/{t.pk}/vote", {"value": -1}).json()
    assert (changed["score"], changed["my_vote"]) == (0, -1)
    again = api_for(una).put(f"/threads/{t.pk}/vote", {"value": -1}).json()
    assert again["score"] == 0
    cleared = api_for(ike).delete(f"/threads/{t.pk}/vote").json()
    assert (cleared["score"], cleared["my_vote"]) == (-1, None)
    total = sum(Vote.objects.filter(thread=t).values_list("value", flat=True))
    assert total == -1
    viewer = api_for(una)
    assert viewer.get(f"/threads/{t.pk}").json()["score"] == total
    listed = viewer.get(f"/communities/{cast.community.slug}/threads").json()["items"][0]
    assert (listed["score"], listed["my_vote"]) == (total, -1)
    t.refresh_from_db()
    assert t.score == total


def test_reactions_toggle_and_follow(api_for, members, thread_factory):
    cast, (ena, ike, _una) = members()
    t = thread_factory(cast.community, author=ena, kind="discussion")
    api = api_for(ike)
    assert api.post(f"/threads/{t.pk}/reactions", {"emoji": "tada"}).json()["reacted"] is True
    assert api.post(f"/threads/{t.pk}/reactions", {"emoji": "tada"}).json()["reacted"] is False
    assert api.post(f"/threads/{t.pk}/reactions", {"emoji": "poop"}).status_code == 422
    assert api.put(f"/threads/{t.pk}/vote", {"value": 1}).status_code == 422
    assert api.post(f"/threads/{t.pk}/answers", {"body": "An answer"}).status_code == 422
    assert api.post(f"/threads/{t.pk}/follow").json()["following"] is True
    assert t.follows.filter(user=ike).exists()
    assert api.delete(f"/threads/{t.pk}/follow").json()["following"] is False
    assert not t.follows.filter(user=ike).exists()


def test_openapi_documents_every_discussions_operation(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path, methods in {
        "/communities/{slug}/threads": {"get", "post"},
        "/threads/{thread_id}": {"get", "patch", "delete"},
        "/threads/{thread_id}/answers": {"get", "post"},
        "/answers/{answer_id}": {"get", "patch", "delete"},
        "/answers/{answer_id}/accept": {"post", "delete"},
        "/threads/{thread_id}/comments": {"get", "post"},
        "/answers/{answer_id}/comments": {"post"},
        "/threads/{thread_id}/vote": {"put", "delete"},
        "/answers/{answer_id}/vote": {"put", "delete"},
        "/threads/{thread_id}/revisions": {"get"},
        "/communities/{slug}/tags": {"get"},
        "/threads/{thread_id}/experts": {"get"},
        "/threads/{thread_id}/ask": {"post"},
        "/threads/{thread_id}/reactions": {"post"},
        "/threads/{thread_id}/follow": {"post", "delete"},
    }.items():
        assert methods <= set(paths[f"/api/v1{path}"]), path


def test_answers_and_comments_cost_the_same_queries_however_many(api_for, members, thread_factory):
    cast, (_ena, _ike, una) = members()
    api = api_for(una)
    api.get("/me")  # the token's first use is recorded once

    def queries(n: int) -> int:
        t = thread_factory(cast.community, author=cast.member, answers=n)
        for answer in t.answers.all():
            services.vote_set(user=una, target=answer, value=1)
            services.comment_create(author=una, thread=t, answer=answer, body="Nice.")
        with CaptureQueriesContext(connection) as ctx:
            answers = api.get(f"/threads/{t.pk}/answers").json()["items"]
            comments = api.get(f"/threads/{t.pk}/comments").json()["items"]
        assert [a["my_vote"] for a in answers] == [1] * n
        assert len(comments) == n
        return len(ctx.captured_queries)

    assert queries(2) == queries(5)
