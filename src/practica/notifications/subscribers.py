"""What notifications listen to. Each subscriber only enqueues a task with the event's ids: the
request that caused the event never waits for a fan-out, an email or a webhook."""

from __future__ import annotations

from typing import Any

from practica.core import events, scheduler
from practica.notifications import registry, sections, sources, tasks

_ = (sections, sources)  # importing them fills the registries


def _fan_out(name: str, payload: dict[str, Any]) -> None:
    tasks.fan_out_event.enqueue(event=name, payload=payload)


def _webhooks(name: str, payload: dict[str, Any]) -> None:
    tasks.dispatch_webhooks.enqueue(event=name, payload=payload)


def _left(name: str, payload: dict[str, Any]) -> None:
    """Someone left (or was removed from) a community: their notifications from it go."""
    tasks.forget_notifications.enqueue(
        kwargs={"user_id": payload["user_id"], "community_id": payload["community_id"]}
    )


def _deleted(name: str, payload: dict[str, Any]) -> None:
    if name == "thread.deleted":
        kwargs: dict[str, Any] = {"thread_id": payload["thread_id"]}
    else:
        kwargs = {"target_type": "answer", "target_id": payload["answer_id"]}
    tasks.forget_notifications.enqueue(kwargs=kwargs)


def connect() -> None:
    for name in registry.sources:
        events.subscribe(name, _fan_out)
    for name in registry.webhook_events:
        events.subscribe(name, _webhooks)
    for name in ("member.left", "member.removed"):
        events.subscribe(name, _left)
    for name in ("thread.deleted", "answer.deleted"):
        events.subscribe(name, _deleted)
    scheduler.register("notifications.daily_digest", every="day", at=(7, 0),
                       task=tasks.send_daily_digests)  # fmt: skip
    scheduler.register("notifications.weekly_digest", every="week", at=(7, 0),
                       task=tasks.send_weekly_digests)  # fmt: skip
    scheduler.register("notifications.held_emails", every="quarter-hour",
                       task=tasks.release_held_emails)  # fmt: skip
    scheduler.register("webhooks.retry", every="minute", task=tasks.retry_webhook_deliveries)
    scheduler.register("webhooks.unanswered", every="hour",
                       task=tasks.announce_unanswered_questions)  # fmt: skip
    scheduler.register("live.reminders", every="minute", task=tasks.send_live_reminders)
    scheduler.register("notifications.clean_up", every="day", at=(3, 30), task=tasks.clean_up)
