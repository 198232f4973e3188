"""Northwind's notification settings, and a request that lands in a bell.

Through the services, idempotently: Ada watches the Incident Response Guild, Chloe takes a daily
digest, and Kofi asks Ivan to answer his question about flapping alerts. Everything the demo's
threads published (answers to people's questions, mentions, acceptances) is fanned out by the
worker like any other event, so the demo people find their bells lit once `make run` serves.
"""

from __future__ import annotations

from practica.accounts.models import User
from practica.communities.models import Community
from practica.discussions import services as discussions
from practica.discussions.models import AskRequest, Thread
from practica.notifications import services as notifications

FLAPPING = "How do I silence a flapping alert without hiding a real outage?"


def load_notifications(users: dict[str, User]) -> None:
    guild = Community.objects.get(slug="incident-response")
    notifications.community_level_set(user=users["ada"], community=guild, level="watch")
    notifications.preference_update(user=users["chloe"], digest="daily")
    thread = Thread.objects.filter(community=guild, title=FLAPPING).first()
    ivan = users["ivan"]
    if thread is not None and not AskRequest.objects.filter(thread=thread, user=ivan).exists():
        discussions.experts_ask(actor=users["kofi"], thread=thread, user_ids=[ivan.pk])
