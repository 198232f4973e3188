"""Shared fixtures: factories that go through the services, role personas, API helpers."""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass

import pytest
from django.core.cache import caches
from django.test import Client

from practica.accounts.models import User
from practica.accounts.services import token_create, user_create
from practica.communities.models import Community, Role
from practica.communities.services import community_create, membership_add

REQUIRE_ALL = os.environ.get("PRACTICA_REQUIRE_ALL") == "1"
_seq = itertools.count(1)


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.SITE_URL = "http://testserver"
    # WhiteNoise would index every static file each time a test client loads the middleware.
    settings.WHITENOISE_AUTOREFRESH = True
    settings.ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
    # The semantic layer (an optional extra) runs in tests/search/test_semantic.py, which turns it
    # on; elsewhere search is lexical, so results and query counts do not depend on the extra.
    settings.PRACTICA_SEMANTIC = "off"
    for alias in ("default", "pages", "fragments"):
        caches[alias].clear()
    yield
    for alias in ("default", "pages", "fragments"):
        caches[alias].clear()


@pytest.fixture
def user_factory(db):
    def make(
        name: str | None = None,
        *,
        email: str | None = None,
        admin: bool = False,
        password: str = "correct-horse-battery",
        **extra,
    ) -> User:
        n = next(_seq)
        name = name or f"Person {n}"
        email = email or f"person{n}@example.test"
        return user_create(email=email, password=password, name=name, is_admin=admin, **extra)

    return make


@pytest.fixture
def community_factory(db, user_factory):
    def make(
        *,
        owner: User | None = None,
        visibility: str = "public",
        join_policy: str = "",
        name: str | None = None,
        **extra,
    ) -> Community:
        n = next(_seq)
        owner = owner or user_factory(f"Owner {n}")
        if not join_policy:
            join_policy = "invite" if visibility == "secret" else "open"
        return community_create(
            creator=owner,
            name=name or f"Community {n}",
            purpose=f"Purpose {n}",
            visibility=visibility,
            join_policy=join_policy,
            **extra,
        )

    return make


@pytest.fixture
def add_member(db):
    def add(community: Community, user: User, role: str = Role.MEMBER):
        owner = community.memberships.filter(role=Role.OWNER).select_related("user").first().user
        return membership_add(actor=owner, community=community, user=user, role=role)

    return add


@dataclass
class Cast:
    """One community and a person in each role around it."""

    community: Community
    outsider: User
    member: User
    facilitator: User
    owner: User
    admin: User

    def person(self, role: str) -> User | None:
        return None if role == "anonymous" else getattr(self, role)


ROLES = ("anonymous", "outsider", "member", "facilitator", "owner", "admin")


@pytest.fixture
def cast_factory(db, user_factory, community_factory, add_member):
    def make(visibility: str = "public", join_policy: str = "") -> Cast:
        owner = user_factory("Olive Owner")
        community = community_factory(owner=owner, visibility=visibility, join_policy=join_policy)
        member, facilitator = user_factory("Mo Member"), user_factory("Fay Facilitator")
        add_member(community, member)
        add_member(community, facilitator, Role.FACILITATOR)
        return Cast(
            community=community,
            outsider=user_factory("Otto Outsider"),
            member=member,
            facilitator=facilitator,
            owner=owner,
            admin=user_factory("Ada Admin", admin=True),
        )

    return make


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


class Api:
    """Calls /api/v1/ with a personal access token (or anonymously)."""

    def __init__(self, user: User | None):
        self.client = Client()
        self.headers = {}
        if user is not None:
            _, secret = token_create(user=user, name="tests")
            self.headers = {"Authorization": f"Bearer {secret}"}

    def _do(self, method: str, path: str, json=None, **params):
        kwargs = {"headers": self.headers}
        if json is not None:
            kwargs.update(data=json, content_type="application/json")
        elif params:
            kwargs["data"] = params
        return getattr(self.client, method)(f"/api/v1{path}", **kwargs)

    def get(self, path: str, **params):
        return self._do("get", path, **params)

    def post(self, path: str, json=None):
        return self._do("post", path, json=json if json is not None else {})

    def patch(self, path: str, json=None):
        return self._do("patch", path, json=json or {})

    def delete(self, path: str):
        return self._do("delete", path)


@pytest.fixture
def api_for(db):
    return Api


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """Test on a SQLite *file*, as Practica runs: WAL, busy timeout and immediate transactions
    behave as in production (an in-memory shared-cache database fails concurrent writers with
    "table is locked" instead of queueing them)."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        db.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("db") / "test.sqlite3")
