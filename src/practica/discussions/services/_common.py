"""What the discussions services share: limits, validation helpers and markdown rendering."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import F
from django.utils import timezone

from practica.accounts.models import User
from practica.accounts.services import normalise_tag
from practica.communities import policy
from practica.communities.models import Community
from practica.core.forms import clean_body
from practica.core.markdown import render
from practica.discussions.models import (
    Answer,
    Follow,
    Revision,
    Tag,
    Thread,
)

TITLE_MIN, TITLE_MAX = 8, 200
BODY_MAX = 30_000
COMMENT_MAX = 5_000
MAX_TAGS = 5
MAX_ASKED = 10


def mention_url(handle: str) -> str | None:
    """The profile URL of an active person with `handle`, for @mentions in markdown."""
    user = User.objects.filter(handle=handle, is_active=True).only("handle").first()
    return user.get_absolute_url() if user else None


def render_body(text: str) -> str:
    return str(render(text, mention_url=_mention_resolver(text)))


def _mention_resolver(text: str):
    """Resolve every @handle of `text` with one query."""
    from practica.core.markdown import mentioned_handles

    handles = mentioned_handles(text)
    known = (
        set(
            User.objects.filter(handle__in=handles, is_active=True).values_list("handle", flat=True)
        )
        if handles
        else set()
    )
    return lambda handle: f"/people/{handle}/" if handle in known else None


def _require(user: Any, action: str, obj: Any) -> None:
    policy.authorize(user, action, obj)


def _clean_title(title: str, errors: dict[str, str]) -> str:
    title = " ".join((title or "").split())
    if not title:
        errors["title"] = "Give it a title: the question or topic in one line."
    elif len(title) < TITLE_MIN:
        errors["title"] = f"Make the title at least {TITLE_MIN} characters, so people can tell."
    elif len(title) > TITLE_MAX:
        errors["title"] = f"Keep the title under {TITLE_MAX} characters."
    return title


def _clean_body(
    body: str,
    errors: dict[str, str],
    *,
    field: str = "body",
    limit: int = BODY_MAX,
    what: str = "post",
) -> str:
    return clean_body(body, errors, field=field, limit=limit, what=what)


def _clean_tags(raw: Iterable[str] | str, errors: dict[str, str]) -> list[str]:
    if isinstance(raw, str):  # "kubernetes, incident review" from a form or a careless caller
        raw = raw.split(",")
    tags: list[str] = []
    for item in raw:
        tag = normalise_tag(item)
        if tag and tag not in tags:
            tags.append(tag)
    if len(tags) > MAX_TAGS:
        errors["tags"] = f"Use at most {MAX_TAGS} tags."
    return tags


def _tags_for(community: Community, names: list[str]) -> list[Tag]:
    existing = {t.name: t for t in Tag.objects.filter(community=community, name__in=names)}
    missing = [Tag(community=community, name=n) for n in names if n not in existing]
    Tag.objects.bulk_create(missing, ignore_conflicts=True)
    return list(Tag.objects.filter(community=community, name__in=names))


def _next_revision_number(*, thread: Thread | None = None, answer: Answer | None = None) -> int:
    last = Revision.objects.filter(thread=thread, answer=answer).order_by("-number").first()
    return (last.number if last else 0) + 1


def _touch(thread: Thread) -> None:
    Thread.objects.filter(pk=thread.pk).update(
        last_activity_at=timezone.now(), version=F("version") + 1
    )


def _changed(thread_id: int) -> None:
    """Something the thread page shows changed: a new version, so the page's cache misses."""
    Thread.objects.filter(pk=thread_id).update(version=F("version") + 1)


def _follow(user: User, thread: Thread) -> None:
    Follow.objects.get_or_create(user=user, thread=thread)
