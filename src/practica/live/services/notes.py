"""Live notes: curators post timestamped markdown notes during the session and edit them."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from practica.accounts.models import User
from practica.communities import policy
from practica.core import ratelimit
from practica.core.forms import clean_body as clean_text
from practica.live.models import LiveNote, LiveQuestion, LiveSession
from practica.live.payloads import note_public
from practica.live.services._common import NOTE_MAX, emit, render_text, require


def quote_of(question: LiveQuestion) -> str:
    """A question as a markdown quote, to start a note with."""
    lines = question.body.strip().splitlines() or [""]
    who = "Anonymous" if question.is_anonymous or question.author is None else question.author.name
    return "\n".join(f"> {line}" for line in lines) + f"\n> — {who}\n\n"


@transaction.atomic
def live_note_post(
    *, author: User, session: LiveSession, body: str, quoted: LiveQuestion | None = None
) -> LiveNote:
    """Post a note (curators). `quoted` puts a public question of the session in front of it."""
    require(author, "live.note", session)
    errors: dict[str, str] = {}
    body = clean_text(body, errors, field="body", limit=NOTE_MAX, what="note")
    if quoted is not None and (
        quoted.session_id != session.pk or not policy.can(author, "live.question_view", quoted)
    ):
        errors["quoted"] = "Quote a question of this session."
    if errors:
        raise ValidationError(errors)
    ratelimit.hit("post", author.pk)
    text = (quote_of(quoted) + body) if quoted is not None else body
    note = LiveNote.objects.create(
        session=session, author=author, body=text, body_html=render_text(text), quoted=quoted
    )
    emit("live.note.posted", session, author, ("note.posted", note_public(note)), note_id=note.pk)
    return note


@transaction.atomic
def live_note_edit(*, actor: User, note: LiveNote, body: str) -> LiveNote:
    """Edit a note: its author while a curator, or the community's facilitators."""
    require(actor, "live.note", note.session)
    if note.author_id != actor.pk and not policy.can(actor, "live.edit", note.session):
        raise PermissionDenied("Only the note's author edits it.")
    errors: dict[str, str] = {}
    body = clean_text(body, errors, field="body", limit=NOTE_MAX, what="note")
    if errors:
        raise ValidationError(errors)
    if body == note.body:
        return note
    ratelimit.hit("edit", actor.pk)
    note.body, note.body_html, note.edited_at = body, render_text(body), timezone.now()
    note.save(update_fields=["body", "body_html", "edited_at"])
    emit(
        "live.note.edited",
        note.session,
        actor,
        ("note.updated", note_public(note)),
        note_id=note.pk,
    )
    return note
