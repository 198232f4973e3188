"""Search fixtures. Search tests run with real commits (`transactional_db`): the index follows
domain events, which are delivered after the transaction commits, as in production."""

from __future__ import annotations

import itertools

import pytest

from practica.communities.models import Role
from practica.discussions import services as discussions

_seq = itertools.count(1)


@pytest.fixture(autouse=True)
def _committing(transactional_db):
    """Every search test commits for real (see the module docstring)."""


@pytest.fixture
def ask(add_member):
    """ask(community, title, *, body=..., tags=(), author=None, kind="question") -> Thread."""

    def make(community, title, *, body="Some context here.", tags=(), author=None, kind="question"):
        if author is None:
            author = community.memberships.filter(role=Role.OWNER).first().user
        return discussions.thread_create(
            author=author, community=community, title=title, body=body, kind=kind, tags=list(tags)
        )

    return make


@pytest.fixture
def answer(user_factory, add_member):
    """answer(thread, body, *, author=None) -> Answer, by a fresh member unless told."""

    def make(thread, body, *, author=None):
        if author is None:
            author = user_factory(f"Answerer {next(_seq)}")
            add_member(thread.community, author)
        return discussions.answer_create(author=author, thread=thread, body=body)

    return make


@pytest.fixture
def upvote(user_factory, add_member):
    """upvote(target, times=1): fresh members vote +1 on a thread or an answer."""

    def make(target, times=1):
        community = target.community
        for _ in range(times):
            voter = user_factory(f"Voter {next(_seq)}")
            add_member(community, voter)
            discussions.vote_set(user=voter, target=target, value=1)

    return make
