"""Communities in the index: found by whoever may know they exist."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.urls import reverse

from practica.communities.models import Community
from practica.search.sources import Doc, Source, register
from practica.search.sources.text import plain


def _communities(ids: list[int]) -> dict[int, Doc]:
    return {
        c.pk: Doc(
            kind="community",
            title=c.name,
            heading=c.purpose,
            tags=[c.slug],
            body=plain(f"{c.purpose} {c.description}"),
            community_id=c.pk,
            author_id=c.created_by_id,
            created_at=c.created_at,
            last_activity_at=c.updated_at,
        )
        for c in Community.objects.filter(pk__in=ids)
    }


def _ids() -> Iterator[int]:
    return Community.objects.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=5000)


def _urls(docs: list[Any], slugs: dict[int, str]) -> dict[int, str]:
    return {
        d.pk: reverse("communities:detail", kwargs={"slug": slugs[d.community_id]})
        for d in docs
        if d.community_id in slugs
    }


register(
    Source(
        name="community",
        kinds=("community",),
        scope="community",
        build=_communities,
        all_ids=_ids,
        urls=_urls,
    )
)
