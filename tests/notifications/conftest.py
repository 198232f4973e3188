"""Notification fixtures: events delivered as after a commit, tasks run at once, mail kept."""

from __future__ import annotations

import pytest

from practica.communities.models import Role
from practica.discussions import services as discussions


@pytest.fixture(autouse=True)
def _mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed(): ...` runs what the block queued for after its commit (events, tasks)."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


@pytest.fixture
def scene(user_factory, community_factory, add_member):
    """A private community with an owner (Olive), a facilitator (Fay), two members (Asha, who
    asks, and Ben, who answers) and Asha's question."""

    class Scene:
        pass

    s = Scene()
    s.owner = user_factory("Olive Owner")
    s.community = community_factory(owner=s.owner, visibility="private", join_policy="request")
    s.fay = user_factory("Fay Facilitator")
    s.asha = user_factory("Asha Asker")
    s.ben = user_factory("Ben Answerer")
    add_member(s.community, s.fay, Role.FACILITATOR)
    add_member(s.community, s.asha)
    add_member(s.community, s.ben)
    s.question = discussions.thread_create(
        author=s.asha, community=s.community, title="How do we roll back a release?",
        body="Our deploys sometimes go wrong.",
    )  # fmt: skip
    return s
