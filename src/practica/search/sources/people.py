"""People (name, handle, team, expertise, bio) and communities (name, purpose, description)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.urls import reverse

from practica.accounts.models import User
from practica.search.sources import Doc, Source, register
from practica.search.sources.text import plain


def _people(ids: list[int]) -> dict[int, Doc]:
    rows = User.objects.filter(pk__in=ids).prefetch_related("expertise")
    return {
        u.pk: Doc(
            kind="person",
            title=u.name,
            heading=" · ".join(p for p in (f"@{u.handle}", u.team, u.location) if p),
            tags=[t.name for t in u.expertise.all()],
            body=plain(" ".join(p for p in (u.handle, u.team, u.location, u.bio) if p)),
            author_id=u.pk,
            created_at=u.date_joined,
            last_activity_at=u.last_login or u.date_joined,
            deleted=not u.is_active,
        )
        for u in rows
    }


def _people_ids() -> Iterator[int]:
    return User.objects.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=5000)


def _people_urls(docs: list[Any], slugs: dict[int, str]) -> dict[int, str]:
    handles = dict(
        User.objects.filter(pk__in=[d.object_id for d in docs]).values_list("pk", "handle")
    )
    return {
        d.pk: reverse("accounts:profile", kwargs={"handle": handles[d.object_id]})
        for d in docs
        if d.object_id in handles
    }


register(
    Source(
        name="person",
        kinds=("person",),
        scope="site",
        build=_people,
        all_ids=_people_ids,
        urls=_people_urls,
    )
)
