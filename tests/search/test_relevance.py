"""The judged set: for each query, the result that must come first (docs/search.md, "Ranking")."""

import pytest
from django.utils import timezone

from practica.discussions import services as discussions
from practica.discussions.models import Thread
from practica.search import indexing
from practica.search.selectors import search, similar


@pytest.fixture
def corpus(cast_factory, ask, answer, upvote):
    cast = cast_factory("public")
    c = cast.community

    def q(title, body="Any advice welcome.", tags=(), days_ago=10):
        t = ask(c, title, body=body, tags=tags)
        moment = timezone.now() - timezone.timedelta(days=days_ago)
        Thread.objects.filter(pk=t.pk).update(last_activity_at=moment, created_at=moment)
        return t

    made = {
        # title over body
        "title": q("Terraform state locking", body="We share one bucket."),
        "body": q(
            "Sharing infrastructure",
            body="Terraform state locking fails for us, "
            "and the team keeps overwriting each other's changes every day.",
        ),
        # tags over body
        "tagged": q("Dashboards for on-call", tags=["grafana"]),
        "mentioned": q("Alert fatigue", body="We moved the alerts from grafana to the pager."),
        # an accepted answer, and a well-voted one, lift their question
        "plain": q("Postgres vacuum tuning", body="Autovacuum runs too late.", days_ago=1),
        "accepted": q("Postgres vacuum tuning", body="Autovacuum runs too late.", days_ago=5),
        "voted_plain": q("Flaky browser tests", body="They fail at random.", days_ago=1),
        "voted": q("Flaky browser tests", body="They fail at random.", days_ago=5),
        # recent activity breaks ties
        "older": q("Quarterly planning template", days_ago=30),
        "newer": q("Quarterly planning template", days_ago=2),
        # the searched words as a phrase in the title, and a tag equal to a word, come first
        "phrase": q("Rolling restart of workers", body="How do you do it?"),
        "scattered": q(
            "Restart the queue, then rolling back",
            body="Restart rolling restart rolling restart rolling.",
        ),
        "tag_match": q("Cache eviction policies", tags=["redis"]),
        "title_only": q("Redis eviction surprises", body="Keys vanish."),
    }
    a = answer(made["accepted"], "Lower the scale factor.")
    discussions.answer_accept(actor=cast.owner, answer=a)
    upvote(answer(made["voted"], "Wait for the network to be idle."), 6)
    for key in ("accepted", "voted"):  # the answers touched their threads: put the dates back
        moment = timezone.now() - timezone.timedelta(days=5)
        Thread.objects.filter(pk=made[key].pk).update(last_activity_at=moment)
    indexing.reindex_all()
    return cast, made


JUDGED = [
    ("terraform state locking", "title"),
    ("grafana", "tagged"),
    ("postgres vacuum", "accepted"),
    ("flaky browser tests", "voted"),
    ("quarterly planning", "newer"),
    ("rolling restart", "phrase"),
    ("redis eviction", "title_only"),
    ("redis", "tag_match"),
]


@pytest.mark.parametrize(("query", "first"), JUDGED)
def test_the_judged_result_comes_first(corpus, query, first):
    cast, made = corpus
    results = search(user=cast.member, q=f"{query} kind:question")
    assert results.items, query
    assert results.items[0].id == made[first].pk, [r.title for r in results]


def test_similar_questions_prefer_solved_ones_and_stop_at_five(corpus):
    cast, made = corpus
    found = similar(user=cast.member, title="How should we tune postgres vacuum?")
    assert found[0].id == made["accepted"].pk and found[0].solved
    assert (
        len(
            similar(
                user=cast.member,
                title="postgres vacuum terraform grafana redis rolling quarterly flaky",
            )
        )
        == 5
    )
    assert similar(user=cast.member, title="how do we do it") == []
