"""Sending a notification's email, and the held ones after quiet hours.

The email is decided again at sending time: the person must still be active, still allowed to see
the thing (`policy.can` through the target registry: a person who left a private community gets
nothing more from it), and still want this kind by email. In their quiet hours it is held, and sent
by the `notifications.held` job once they end.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator

from practica.accounts.models import User
from practica.notifications import emails, preferences, registry
from practica.notifications.models import Notification

E = Notification.Email


def _display(n: Notification) -> str:
    kind = registry.kinds[n.kind]
    return kind.text(
        count=n.count,
        actor=n.actor.name if n.actor else "",
        title=n.title,
        community=n.community.name if n.community else n.title,
    )


def notification_email_send(*, notification_id: int) -> str:
    """Send (or hold, or skip) the email of one notification. Returns the state it ends in."""
    n = (
        Notification.objects.select_related("recipient", "actor", "community")
        .filter(pk=notification_id)
        .first()
    )
    if n is None or n.email_state not in (E.PENDING, E.HELD):
        return n.email_state if n else "gone"
    user: User = n.recipient
    pref = preferences.preference_for(user.pk)
    target_spec = registry.targets.get(n.target_type)
    target = target_spec.load(n.target_id) if target_spec and n.target_id else None
    allowed = (
        user.is_active
        and target is not None
        and target_spec is not None
        and target_spec.visible(user, target)
        and registry.EMAIL in preferences.channels(pref, n.kind)
    )
    if not allowed:
        Notification.objects.filter(pk=n.pk).update(email_state=E.SKIPPED)
        return E.SKIPPED
    if preferences.in_quiet_hours(pref):
        Notification.objects.filter(pk=n.pk).update(email_state=E.HELD)
        return E.HELD
    # Claim it: of two workers (or a retry racing a held run), only one sends.
    if not Notification.objects.filter(pk=n.pk, email_state=n.email_state).update(
        email_state=E.SENT
    ):
        return E.SENT
    text = _display(n)
    body = getattr(target, "body", "") or ""
    message = emails.build_message(
        to=user.email,
        user_id=user.pk,
        subject=text,
        template="notifications/email/event",
        context={
            "text": text,
            "excerpt": Truncator(body).chars(400),
            "link": settings.SITE_URL + n.url,
        },
        list_name=f"kind:{n.kind}",
    )
    try:
        message.send()
    except Exception:
        with transaction.atomic():
            Notification.objects.filter(pk=n.pk).update(email_state=E.PENDING)
        raise
    return E.SENT


def held_emails_release() -> int:
    """Queue the held emails of people whose quiet hours are over. Returns how many."""
    from practica.notifications.tasks import send_notification_email

    held = list(
        Notification.objects.filter(email_state=E.HELD).values_list("pk", "recipient_id")[:5000]
    )
    prefs = preferences.preferences_for(sorted({uid for _, uid in held}))
    now = timezone.now()
    due = [pk for pk, uid in held if not preferences.in_quiet_hours(prefs[uid], now)]
    for pk in due:
        send_notification_email.enqueue(notification_id=pk)
    return len(due)
