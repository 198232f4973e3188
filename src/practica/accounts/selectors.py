from __future__ import annotations

from typing import Any

from django.http import Http404

from practica.accounts.models import ApiToken, User


def person_get(*, viewer: Any, handle: str) -> User:
    """An active person's profile, for any signed-in viewer (people are not secret inside the
    organisation; which communities are shown depends on the viewer)."""
    if not viewer.is_authenticated:
        raise Http404("No such person.")
    person = (
        User.objects.filter(handle=handle, is_active=True)
        .select_related("manager")
        .prefetch_related("expertise")
        .first()
    )
    if person is None:
        raise Http404("No such person.")
    return person


def token_get(*, user: User, token_id: int) -> ApiToken:
    """One of `user`'s own tokens; Http404 for anyone else's, as if it did not exist."""
    token = ApiToken.objects.filter(user=user, pk=token_id).first()
    if token is None:
        raise Http404("No such token.")
    return token


def tokens_of(*, user: User) -> list[ApiToken]:
    return list(ApiToken.objects.filter(user=user))
