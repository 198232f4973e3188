"""The weekly learning journal: saved by its person, sent to their manager, who may reply."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from practica.accounts.models import User
from practica.communities import policy
from practica.core import events
from practica.learning import weeks
from practica.learning.models import JournalReply, JournalWeek
from practica.learning.services._common import JOURNAL_MAX, REPLY_MAX, clean_text, html


def _week(week: str) -> str:
    try:
        weeks.parse(week)
    except ValueError as exc:
        raise ValidationError({"week": str(exc)}) from exc
    return week


@transaction.atomic
def journal_save(*, user: User, week: str, body: str) -> JournalWeek:
    """Write (or rewrite) `user`'s journal of `week`. Saving shares nothing."""
    errors: dict[str, str] = {}
    try:
        week = _week(week)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    body = clean_text(body, errors, field="body", limit=JOURNAL_MAX, what="your journal")
    if errors:
        raise ValidationError(errors)
    journal, _ = JournalWeek.objects.select_for_update().get_or_create(
        user=user, week=week, defaults={"body": body, "body_html": html(body)}
    )
    if journal.body != body:
        journal.body, journal.body_html = body, html(body)
        journal.save(update_fields=["body", "body_html", "updated_at"])
    return journal


@transaction.atomic
def journal_send(*, user: User, week: str) -> JournalWeek:
    """Send the saved journal of `week` to `user`'s manager: in the app at once, by email after
    commit. Sending again (after an edit) sends the current text again."""
    week = _week(week)
    journal = JournalWeek.objects.select_for_update().filter(user=user, week=week).first()
    if journal is None:
        raise ValidationError({"body": "Save the journal before sending it."})
    policy.authorize(user, "journal.send", journal)
    if user.manager_id is None:
        raise ValidationError({"manager": "Set your manager on your profile to send it to them."})
    journal.sent_at = timezone.now()
    journal.sent_to_id = user.manager_id
    journal.save(update_fields=["sent_at", "sent_to"])  # not updated_at: "edited since" compares
    from practica.learning.tasks import send_journal_email

    transaction.on_commit(lambda: send_journal_email.enqueue(journal.pk))
    events.publish(
        "journal.sent",
        journal_id=journal.pk,
        user_id=user.pk,
        manager_id=user.manager_id,
        week=week,
    )
    return journal


@transaction.atomic
def journal_reply(*, actor: User, journal: JournalWeek, body: str) -> JournalReply:
    """The manager's comment on a journal sent to them."""
    policy.authorize(actor, "journal.reply", journal)
    if journal.user_id == actor.pk:
        raise PermissionDenied("Replies are for your manager.")
    errors: dict[str, str] = {}
    body = clean_text(body, errors, field="body", limit=REPLY_MAX, what="a reply")
    if errors:
        raise ValidationError(errors)
    reply = JournalReply.objects.create(
        journal=journal, author=actor, body=body, body_html=html(body)
    )
    events.publish(
        "journal.replied",
        journal_id=journal.pk,
        reply_id=reply.pk,
        user_id=actor.pk,
        person_id=journal.user_id,
    )
    return reply
