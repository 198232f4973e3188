"""Email: one message per event for what is addressed to the person, and the digest.

Every message has a plain-text and an HTML part, a signed one-click unsubscribe link for its list
("kind:<kind>" or "digest") and the `List-Unsubscribe` / `List-Unsubscribe-Post` headers (RFC 8058),
so a mail client can unsubscribe without the person signing in. The token is
`django.core.signing` over (person, list) with its own salt: it cannot be forged, and one made for
a person or list does not work for another.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

SALT = "practica.notifications.unsubscribe"


def unsubscribe_token(user_id: int, list_name: str) -> str:
    return signing.dumps({"u": user_id, "l": list_name}, salt=SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """(user id, list) from a token, or None when it is not one we signed."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    if not isinstance(data.get("l"), str):
        return None
    return data["u"], data["l"]


def unsubscribe_url(user_id: int, list_name: str) -> str:
    token = unsubscribe_token(user_id, list_name)
    return settings.SITE_URL + reverse("notifications:unsubscribe", kwargs={"token": token})


def list_label(list_name: str) -> str:
    from practica.notifications import registry

    if list_name == "digest":
        return "the email digest"
    kind = registry.kinds.get(list_name.removeprefix("kind:"))
    return f"emails about “{kind.label}”" if kind else "these emails"


def build_message(
    *, to: str, user_id: int, subject: str, template: str, context: dict[str, Any], list_name: str
) -> EmailMultiAlternatives:
    """A multipart message rendered from `<template>.txt` and `<template>.html`."""
    link = unsubscribe_url(user_id, list_name)
    context = {
        **context,
        "unsubscribe_url": link,
        "list_label": list_label(list_name),
        "SITE_URL": settings.SITE_URL,
        "preferences_url": settings.SITE_URL + reverse("notifications:preferences"),
    }
    message = EmailMultiAlternatives(
        subject=f"[Practica] {subject}",
        body=render_to_string(f"{template}.txt", context),
        to=[to],
        headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message
