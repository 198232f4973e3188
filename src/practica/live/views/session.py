"""The session page, the presenter view, and starting and ending a session."""

from __future__ import annotations

from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from practica.accounts.http import AuthedHttpRequest
from practica.core.htmx import fail, render_page
from practica.live import selectors, services, streaming
from practica.live.forms import NoteForm, QuestionForm
from practica.live.models import LiveNote, LiveQuestion, LiveSession, QState
from practica.live.views.common import community_live_context, decorate, get_session, session_flags

NOTES_ORDER = ("newest", "oldest")
PARTS = ("questions", "notes")


def _sort(request: HttpRequest) -> str:
    sort = request.GET.get("sort") or request.POST.get("sort") or ""
    return sort if sort in selectors.SORTS else "votes"


def _notes_order(request: HttpRequest) -> str:
    order = request.GET.get("notes") or request.COOKIES.get("live_notes", "")
    return order if order in NOTES_ORDER else "newest"


def join_url(request: HttpRequest, session: LiveSession) -> str:
    return request.build_absolute_uri(reverse("live:join", kwargs={"pk": session.pk}))


def session_context(
    request: HttpRequest,
    session: LiveSession,
    *,
    question_form: QuestionForm | None = None,
    note_form: NoteForm | None = None,
) -> dict[str, Any]:
    """Everything the session page shows; a fixed number of queries however long the queue."""
    sort = _sort(request)
    page = selectors.session_page(user=request.user, session=session, sort=sort)
    everything = [*page.queue, *page.answered, *page.pending, *page.closed, *page.mine_waiting]
    if page.pinned is not None and page.pinned not in everything:
        everything.append(page.pinned)
    for q in everything:
        decorate(request, session, q, page.my_votes)
    order = _notes_order(request)
    notes = list(reversed(page.notes)) if order == "newest" else page.notes
    quoting = None
    quote = request.GET.get("quote", "")
    if note_form is None and quote.isdigit():
        quoting = next((q for q in everything if q.pk == int(quote) and q.is_public), None)
        if quoting is not None:
            note_form = NoteForm(initial={"quoted": quoting.pk})
    blank = LiveQuestion(pk=0, session=session, body_html="", votes=0, state=QState.APPROVED)
    decorate(request, session, blank, set())
    blank.can_vote = session_flags(request, session)["can_vote"]  # type: ignore[attr-defined]
    context = community_live_context(request, session.community)
    name = streaming.stream_name(session.pk)
    context.update(session_flags(request, session))
    context.update(
        {
            "session": session,
            "page": page,
            "sort": sort,
            "notes": notes,
            "notes_order": order,
            "question_form": question_form or QuestionForm(),
            "note_form": note_form or NoteForm(),
            "quoting": quoting,
            "blank_question": blank,
            "blank_note": LiveNote(pk=0, session=session, body_html=""),
            "stream": name,
            "stream_seq": streaming.current_seq(name),
            "mod_stream": streaming.stream_name(session.pk, moderators=True),
            "mod_stream_seq": streaming.current_seq(
                streaming.stream_name(session.pk, moderators=True)
            ),
            "join_url": join_url(request, session),
            "accepting": session.accepts_questions(),
        }
    )
    return context


@login_required
def detail(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """The session page; with htmx and `part`, only the questions or the notes."""
    session = get_session(request, slug, pk)
    part = request.GET.get("part")
    response = render_page(
        request,
        "live/session.html",
        session_context(request, session),
        partial=part if part in PARTS else None,
    )
    if request.GET.get("notes") in NOTES_ORDER:
        response.set_cookie(
            "live_notes", request.GET["notes"], max_age=365 * 86400, samesite="Lax", httponly=True
        )
    return response


def questions_response(
    request: HttpRequest, session: LiveSession, anchor: str = "", **extra: Any
) -> HttpResponse:
    """After an action on the queue: the questions fragment for htmx, else back to the page."""
    if getattr(request, "htmx", False):
        context = session_context(request, session, **extra)
        status = 400 if any(f is not None and f.errors for f in extra.values()) else 200
        return render_page(
            request, "live/session.html", context, partial="questions", status=status
        )
    url = session.get_absolute_url()
    sort = _sort(request)
    return redirect(f"{url}{'?sort=recent' if sort == 'recent' else ''}{anchor}")


@login_required
def present(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """The big screen: the pinned question large, the next few by votes, a QR code to join."""
    session = get_session(request, slug, pk)
    page = selectors.session_page(user=request.user, session=session, sort="votes")
    url = join_url(request, session)
    qr = segno.make(url, error="m")
    context = {
        "session": session,
        "community": session.community,
        "page": page,
        "next": page.queue[:5],
        "join_url": url,
        "qr": qr.svg_data_uri(scale=6, border=2, dark="#1d2433", light="#ffffff"),
        "stream": streaming.stream_name(session.pk),
        "stream_seq": streaming.current_seq(streaming.stream_name(session.pk)),
    }
    return render_page(
        request,
        "live/present.html",
        context,
        partial=("stage" if request.GET.get("part") == "stage" else None),
    )


@login_required
@require_POST
def start(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    session = get_session(request, slug, pk)
    try:
        changed = services.live_session_start(actor=request.user, session=session)
    except (ValidationError, PermissionDenied) as exc:
        return fail(request, exc, session.get_absolute_url())
    messages.success(
        request, "The session is live." if changed else "The session was already live."
    )
    return redirect(session)


@login_required
@require_POST
def end(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    session = get_session(request, slug, pk)
    try:
        changed = services.live_session_end(actor=request.user, session=session)
    except (ValidationError, PermissionDenied) as exc:
        return fail(request, exc, session.get_absolute_url())
    messages.success(
        request,
        "The session has ended. Publish the synthesis and move the open questions to Q&A."
        if changed
        else "The session had already ended.",
    )
    return redirect(session)


__all__ = ["detail", "end", "present", "questions_response", "render", "session_context", "start"]
