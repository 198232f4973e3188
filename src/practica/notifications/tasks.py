"""Background work of notifications. Tasks take ids (and event payloads of ids), call one service,
and on failure queue themselves again with back-off (`core.retry`) before failing visibly."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from practica.core import retry
from practica.core.models import ScheduledRun


@task()
def fan_out_event(event: str, payload: dict[str, Any], attempt: int = 1) -> int:
    from practica.notifications.services import event_fan_out

    try:
        return event_fan_out(event=event, payload=payload)
    except Exception:
        retry.again(fan_out_event, attempt=attempt, event=event, payload=payload)
        raise


@task()
def send_notification_email(notification_id: int, attempt: int = 1) -> str:
    from practica.notifications.services.mail import notification_email_send

    try:
        return notification_email_send(notification_id=notification_id)
    except Exception:
        retry.again(send_notification_email, attempt=attempt, notification_id=notification_id)
        raise


@task()
def forget_notifications(kwargs: dict[str, Any]) -> int:
    from practica.notifications.services import notifications_forget

    return notifications_forget(**kwargs)


@task()
def dispatch_webhooks(event: str, payload: dict[str, Any], attempt: int = 1) -> int:
    from practica.notifications.services import webhooks_dispatch

    try:
        return len(webhooks_dispatch(event=event, payload=payload))
    except Exception:
        retry.again(dispatch_webhooks, attempt=attempt, event=event, payload=payload)
        raise


@task()
def deliver_webhook(delivery_id: int) -> str:
    """One attempt; a failed attempt schedules the next itself (Delivery.next_attempt_at)."""
    from practica.notifications.services import delivery_attempt

    delivery = delivery_attempt(delivery_id=delivery_id)
    return delivery.state if delivery else "skipped"


# --- Scheduled jobs (registered in apps.py; each takes the period it runs for) ---------------------


@task()
def send_daily_digests(period_key: str) -> int:
    from practica.notifications.digests import digests_send

    return digests_send(frequency="daily", period_key=period_key)


@task()
def send_weekly_digests(period_key: str) -> int:
    from practica.notifications.digests import digests_send

    return digests_send(frequency="weekly", period_key=period_key)


@task()
def release_held_emails(period_key: str) -> int:
    from practica.notifications.services.mail import held_emails_release

    return held_emails_release()


@task()
def retry_webhook_deliveries(period_key: str) -> int:
    from practica.notifications.services.webhooks import deliveries_due

    return len(deliveries_due())


@task()
def announce_unanswered_questions(period_key: str) -> int:
    """Offer webhooks "question.unanswered" for questions that crossed the threshold in the last
    hour (the job runs once an hour, so each question is announced once)."""
    from practica.discussions.models import Kind, Thread
    from practica.notifications.services import webhooks_dispatch

    hours = settings.PRACTICA_UNANSWERED_AFTER_HOURS
    end = timezone.now() - timedelta(hours=hours)
    questions = Thread.objects.filter(
        kind=Kind.QUESTION,
        deleted_at__isnull=True,
        answer_count=0,
        created_at__gt=end - timedelta(hours=1),
        created_at__lte=end,
        community__webhooks__active=True,
    ).distinct()
    for thread in questions:
        webhooks_dispatch(
            event="question.unanswered",
            payload={"thread_id": thread.pk, "community_id": thread.community_id, "hours": hours},
        )
    return len(questions)


@task()
def send_live_reminders(period_key: str) -> int:
    """Announce "starting within 15 minutes" for live sessions not yet announced (sources/live)."""
    from practica.notifications.sources.live import reminders_send

    return len(reminders_send())


@task()
def clean_up(period_key: str) -> int:
    """Drop what nobody needs any more: read notifications after 90 days, deliveries after 30,
    scheduled-run records after 30."""
    from practica.notifications.models import Delivery, Notification

    now = timezone.now()
    deleted = Notification.objects.filter(read_at__lt=now - timedelta(days=90)).delete()[0]
    deleted += Delivery.objects.filter(created_at__lt=now - timedelta(days=30)).delete()[0]
    deleted += ScheduledRun.objects.filter(claimed_at__lt=now - timedelta(days=30)).delete()[0]
    return deleted
