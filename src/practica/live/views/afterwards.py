"""Live notes, the synthesis draft and publishing it, and moving open questions to Q&A."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from practica.accounts.http import AuthedHttpRequest
from practica.communities import policy
from practica.core.forms import add_service_errors
from practica.core.htmx import fail, render_page
from practica.live import selectors, services
from practica.live.forms import NoteForm, QuestionEditForm, SynthesisForm
from practica.live.views.common import community_live_context, get_note, get_session
from practica.live.views.session import session_context


@login_required
@require_POST
def note_create(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    session = get_session(request, slug, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        quoted = None
        if form.cleaned_data["quoted"]:
            try:
                quoted = selectors.question_get(user=request.user, pk=form.cleaned_data["quoted"])
            except Exception:
                quoted = None
        try:
            note = services.live_note_post(
                author=request.user, session=session, body=form.cleaned_data["body"], quoted=quoted
            )
        except PermissionDenied as exc:
            return fail(request, exc, session.get_absolute_url())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if getattr(request, "htmx", False):
                context = session_context(request, session)
                return render_page(request, "live/session.html", context, partial="notes")
            messages.success(request, "Note posted.")
            return redirect(f"{session.get_absolute_url()}#note-{note.pk}")
    context = session_context(request, session, note_form=form)
    return render_page(request, "live/session.html", context, partial="notes", status=400)


@login_required
def note_edit(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    note = get_note(request, slug, pk)
    policy.authorize(request.user, "live.note", note.session)
    form = QuestionEditForm(request.POST or None, initial={"body": note.body})
    form.fields["body"].label = "Note"
    form.fields["body"].help_text = "Markdown."
    form.fields["body"].widget.attrs.pop("maxlength", None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.live_note_edit(
                    actor=request.user, note=note, body=form.cleaned_data["body"]
                )
            except PermissionDenied as exc:
                return fail(request, exc, note.get_absolute_url())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Note updated.")
                return redirect(note.get_absolute_url())
        status = 400
    context = community_live_context(request, note.session.community)
    context.update({"form": form, "note": note, "session": note.session})
    return render(request, "live/note_edit.html", context, status=status)


@login_required
def synthesis(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """The curator's draft of the synthesis: save it, or publish it as a discussion."""
    session = get_session(request, slug, pk)
    policy.authorize(request.user, "live.publish", session)
    initial = {"body": session.synthesis_draft or services.synthesis_default(session)}
    form = SynthesisForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            body = form.cleaned_data["body"]
            try:
                if request.POST.get("publish") == "1":
                    services.live_session_publish(actor=request.user, session=session, body=body)
                else:
                    services.live_session_synthesis_save(
                        actor=request.user, session=session, draft=body
                    )
            except PermissionDenied as exc:
                return fail(request, exc, session.get_absolute_url())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                if session.synthesis_thread is not None:
                    messages.success(request, "The synthesis is published as a discussion.")
                    return redirect(session.synthesis_thread)
                messages.success(request, "Draft saved.")
                return redirect("live:synthesis", slug=slug, pk=pk)
        status = 400
    context = community_live_context(request, session.community)
    context.update(
        {
            "form": form,
            "session": session,
            "figures": services.participation(session),
            "published": session.synthesis_thread,
        }
    )
    return render(request, "live/synthesis.html", context, status=status)


@login_required
@require_POST
def move_to_qa(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    session = get_session(request, slug, pk)
    try:
        moved = services.live_session_move_to_qa(actor=request.user, session=session)
    except (ValidationError, PermissionDenied) as exc:
        return fail(request, exc, session.get_absolute_url())
    messages.success(
        request,
        f"{moved} question{'s' if moved != 1 else ''} moved to Q&A; their upvoters follow them."
        if moved
        else "No open questions were left to move.",
    )
    return redirect(session)
