"""The semantic layer (the optional extra `practica[semantic]`): the real packaged model, run here.

Skipped where the extra is not installed, except under PRACTICA_REQUIRE_ALL=1 (CI installs it with
`make install-semantic`), where its absence fails the run.
"""

from __future__ import annotations

import socket

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from practica.communities import services as communities
from practica.discussions import services as discussions
from practica.search import semantic
from practica.search.models import SearchDocument, SearchEmbedding
from practica.search.selectors import search, similar
from tests.conftest import REQUIRE_ALL

pytestmark = pytest.mark.skipif(
    not semantic.installed() and not REQUIRE_ALL,
    reason="the semantic extra is not installed (make install-semantic)",
)

CI = "Our build pipeline fails on every merge"
CI_BODY = "The Jenkins job goes red after each pull request is merged."


@pytest.fixture(autouse=True)
def _semantic(settings):
    if not semantic.installed():
        pytest.fail("PRACTICA_REQUIRE_ALL=1 but the semantic extra is not installed")
    settings.PRACTICA_SEMANTIC = "auto"
    semantic.forget()
    yield
    semantic.forget()


def embedding_of(thread):
    doc = SearchDocument.objects.get(source="thread", object_id=thread.pk)
    return SearchEmbedding.objects.filter(document=doc).first()


def ids(results):
    return [r.id for r in results]


def test_indexing_embeds_new_text_once_and_follows_edits_and_deletes(cast_factory, ask, upvote):
    cast = cast_factory("public")
    t = ask(cast.community, CI, body=CI_BODY)
    first = embedding_of(t)
    assert first is not None and first.model == semantic.MODEL
    assert len(bytes(first.vector)) == semantic.DIMENSIONS * 4
    upvote(t, 2)  # reindexed, same text: the vector is kept, not made again
    kept = embedding_of(t)
    assert (kept.text_hash, kept.updated_at) == (first.text_hash, first.updated_at)
    discussions.thread_update(actor=cast.owner, thread=t, title="Merges break the build")
    assert embedding_of(t).text_hash != first.text_hash
    assert embedding_of(t).community_id == cast.community.pk
    discussions.thread_delete(actor=cast.owner, thread=t)
    assert embedding_of(t).deleted is True


def test_search_finds_by_meaning_what_the_words_alone_do_not(cast_factory, ask):
    cast = cast_factory("public")
    ci = ask(cast.community, CI, body=CI_BODY)
    ask(cast.community, "Best pasta recipes for the office party", body="Vegetarian options?")
    results = search(user=cast.member, q="continuous integration broken after merging")
    assert ids(results) == [ci.pk]
    assert results.total == 1 and results.items[0].by_meaning
    # Lexical results still lead: a title with the words beats a neighbour by meaning.
    worded = ask(cast.community, "Continuous integration broken after merging", body="Again.")
    both = search(user=cast.member, q="continuous integration broken after merging")
    assert ids(both)[:2] == [worded.pk, ci.pk]
    assert [r.by_meaning for r in both.items[:2]] == [False, True]
    # Nonsense has no neighbour close enough.
    assert ids(search(user=cast.member, q="zebra xylophone")) == []


def test_meaning_never_reaches_past_permissions_or_filters(
    cast_factory, ask, user_factory, add_member
):
    private = cast_factory("private", "request")
    ask(private.community, CI, body=CI_BODY)
    public = cast_factory("public")
    outsider = user_factory("Out Sider")
    add_member(public.community, outsider)
    results = search(user=outsider, q="continuous integration broken after merging")
    assert ids(results) == [] and results.total == 0
    assert ids(search(user=private.member, q="continuous integration broken after merging")) != []
    # Filters and excluded words hold for what meaning finds too.
    assert (
        ids(
            search(
                user=private.member, q="continuous integration broken after merging kind:discussion"
            )
        )
        == []
    )
    assert (
        ids(search(user=private.member, q="continuous integration broken after merging -jenkins"))
        == []
    )
    assert (
        ids(search(user=private.member, q="continuous integration broken after merging tag:nope"))
        == []
    )
    # Leaving the community takes it away at once.
    communities.community_leave(user=private.member, community=private.community)
    assert ids(search(user=private.member, q="continuous integration broken after merging")) == []


def test_similar_questions_find_the_same_question_asked_in_other_words(cast_factory, ask):
    cast = cast_factory("public")
    onboard = ask(cast.community, "Welcoming new hires to the team", body="The first week?")
    ask(cast.community, "Best pasta recipes for the office party")
    found = similar(user=cast.member, title="How do we onboard new joiners?")
    assert [r.id for r in found] == [onboard.pk]


def test_the_judged_set_still_holds_with_meaning_fused_in(cast_factory, ask, answer, upvote):
    from tests.search import test_relevance

    corpus = test_relevance.corpus.__wrapped__(cast_factory, ask, answer, upvote)
    cast, made = corpus
    assert SearchEmbedding.objects.count() >= len(made)
    for query, first in test_relevance.JUDGED:
        results = search(user=cast.member, q=f"{query} kind:question")
        assert results.items and results.items[0].id == made[first].pk, (query, ids(results))


def test_pages_run_through_fused_results_without_repeats(cast_factory, ask):
    cast = cast_factory("public")
    made = {ask(cast.community, f"Deploy pipeline question {i}").pk for i in range(7)}
    made.add(ask(cast.community, CI, body=CI_BODY).pk)
    seen, cursor = [], None
    while True:
        page = search(user=cast.member, q="deploy pipeline", limit=3, cursor=cursor)
        seen += ids(page)
        cursor = page.next_cursor
        if not cursor:
            break
    assert len(seen) == len(set(seen)) and set(seen) <= made
    assert page.total == len(seen)


def test_the_model_loads_without_the_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("no network in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(semantic, "_model", None)
    vectors = semantic.embed(["offline", "still works"])
    assert vectors.shape == (2, semantic.DIMENSIONS)


def test_a_search_costs_the_same_queries_however_many_documents(cast_factory, ask):
    cast = cast_factory("public")
    ask(cast.community, CI, body=CI_BODY)
    search(user=cast.member, q="continuous integration")  # the index loads, the model warms

    def counted():
        with CaptureQueriesContext(connection) as ctx:
            search(user=cast.member, q="continuous integration")
        return len(ctx)

    few = counted()
    for i in range(6):
        ask(cast.community, f"Integration tests number {i}", body=CI_BODY)
    assert counted() == few


@hsettings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=st.text(max_size=300))
def test_any_text_gets_an_answer_with_meaning_on(cast_factory, text):
    cast = cast_factory("public")
    search(user=cast.owner, q=text)
    similar(user=cast.owner, title=text)


def test_check_reports_and_fixes_missing_embeddings(cast_factory, ask, capsys):
    from practica.cli import main

    cast = cast_factory("public")
    t = ask(cast.community, CI, body=CI_BODY)
    assert semantic.drift() == {}
    lost = SearchEmbedding.objects.count()
    SearchEmbedding.objects.all().delete()  # lost behind the services' back
    assert semantic.drift()["thread"] == [t.pk]
    with pytest.raises(SystemExit) as exit_:
        main(["search", "check", "--quiet"])
    assert exit_.value.code == 1
    assert f"Embeddings missing or made from older text: {lost}" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exit_:
        main(["search", "check", "--fix", "--quiet"])
    assert exit_.value.code == 0
    assert f"{lost} embedded" in capsys.readouterr().out
    assert embedding_of(t) is not None and semantic.drift() == {}


def test_the_page_and_the_api_say_what_was_found_by_meaning(cast_factory, ask, api_for):
    from tests.conftest import client_for

    cast = cast_factory("public")
    ci = ask(cast.community, CI, body=CI_BODY)
    q = "continuous integration broken after merging"
    page = client_for(cast.member).get("/search/", {"q": q})
    assert page.status_code == 200
    assert b"similar meaning" in page.content and ci.get_absolute_url().encode() in page.content
    body = api_for(cast.member).get("/search", q=q).json()
    assert [(i["id"], i["by_meaning"]) for i in body["items"]] == [(ci.pk, True)]
    assert body["items"][0]["url"].endswith(ci.get_absolute_url())


def test_a_running_process_sees_new_edited_and_deleted_documents(cast_factory, ask):
    cast = cast_factory("public")
    q = "continuous integration broken after merging"
    assert ids(search(user=cast.member, q=q)) == []  # the process's vector index is loaded
    ci = ask(cast.community, CI, body=CI_BODY)
    assert ids(search(user=cast.member, q=q)) == [ci.pk]
    discussions.thread_update(
        actor=cast.owner, thread=ci, title="Pasta for the party", body="Vegetarian?"
    )
    assert ids(search(user=cast.member, q=q)) == []
    discussions.thread_update(actor=cast.owner, thread=ci, title=CI, body=CI_BODY)
    assert ids(search(user=cast.member, q=q)) == [ci.pk]
    discussions.thread_delete(actor=cast.owner, thread=ci)
    assert ids(search(user=cast.member, q=q)) == []
