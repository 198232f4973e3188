import itertools

import pytest

from practica.discussions import services
from practica.discussions.models import Kind

_seq = itertools.count(1)


@pytest.fixture
def thread_factory(db):
    """thread_factory(community, *, author=None, kind="question", tags=(), answers=0, title=None)

    `author` defaults to the community's first owner; answers are written by fresh members."""

    def make(
        community,
        *,
        author=None,
        kind=Kind.QUESTION,
        tags=(),
        answers=0,
        title=None,
        body="How do we do this well?",
    ):
        from practica.accounts.services import user_create
        from practica.communities.services import membership_add

        owner = community.memberships.filter(role="owner").select_related("user").first().user
        author = author or owner
        n = next(_seq)
        thread = services.thread_create(
            author=author,
            community=community,
            title=title or f"How do we handle case {n} well?",
            body=body,
            kind=kind,
            tags=tags,
        )
        for i in range(answers):
            person = user_create(
                email=f"answerer{n}-{i}@example.test", password=None, name=f"Answerer {n}-{i}"
            )
            membership_add(actor=owner, community=community, user=person)
            services.answer_create(author=person, thread=thread, body=f"Answer {i}: try this.")
        return thread

    return make
