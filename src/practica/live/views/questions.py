"""Actions on the question queue: asking, upvoting, editing, withdrawing, moderating, merging.
With htmx each answers the refreshed questions fragment; without, a redirect with a message."""

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
from practica.core.htmx import fail
from practica.live import selectors, services
from practica.live.forms import QuestionEditForm, QuestionForm
from practica.live.models import LiveSession
from practica.live.views.common import community_live_context, get_question, get_session
from practica.live.views.session import questions_response, session_context


@login_required
@require_POST
def ask(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    session = get_session(request, slug, pk)
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            q = services.live_question_submit(
                author=request.user,
                session=session,
                body=form.cleaned_data["body"],
                anonymous=form.cleaned_data["anonymous"],
            )
        except PermissionDenied as exc:
            return fail(request, exc, session.get_absolute_url())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if not getattr(request, "htmx", False):
                messages.success(
                    request,
                    "Your question waits for a moderator's approval."
                    if q.state == "pending"
                    else "Your question is in the queue.",
                )
            if getattr(request, "htmx", False):
                return _ask_fragment(request, session)
            return questions_response(request, session, f"#q-{q.pk}")
    if getattr(request, "htmx", False):
        return _ask_fragment(request, session, form, status=400)
    context = session_context(request, session, question_form=form)
    return render(request, "live/session.html", context, status=400)


def _ask_fragment(
    request: AuthedHttpRequest,
    session: LiveSession,
    form: QuestionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """With htmx: a fresh (or, on errors, the same) question form, and the queue out of band.
    The form lives outside the queue, so a queue refreshed by the stream never wipes a draft."""
    context = session_context(request, session, question_form=form)
    return render(request, "live/_ask_response.html", context, status=status)


@login_required
@require_POST
def vote(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """value=1 upvotes, value=0 takes the upvote back."""
    q = get_question(request, slug, pk)
    back = q.get_absolute_url()
    value = request.POST.get("value", "1")
    try:
        if value == "0":
            services.live_question_unvote(user=request.user, question=q)
        elif value == "1":
            services.live_question_upvote(user=request.user, question=q)
        else:
            raise ValidationError("An upvote is 1, or 0 to take it back.")
    except (ValidationError, PermissionDenied) as exc:
        return fail(request, exc, back)
    if not getattr(request, "htmx", False):
        messages.success(request, "Upvote taken back." if value == "0" else "Upvoted.")
    return questions_response(request, q.session, f"#q-{q.pk}")


@login_required
def edit(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    q = get_question(request, slug, pk)
    form = QuestionEditForm(request.POST or None, initial={"body": q.body})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.live_question_edit(
                    actor=request.user, question=q, body=form.cleaned_data["body"]
                )
            except PermissionDenied as exc:
                return fail(request, exc, q.get_absolute_url())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Question updated.")
                return redirect(q.get_absolute_url())
        status = 400
    elif not policy.can(request.user, "live.question_edit", q):
        return fail(
            request, PermissionDenied("You cannot edit this question."), q.get_absolute_url()
        )
    context = community_live_context(request, q.session.community)
    context.update({"form": form, "question": q, "session": q.session})
    return render(request, "live/question_edit.html", context, status=status)


@login_required
@require_POST
def withdraw(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    q = get_question(request, slug, pk)
    try:
        services.live_question_withdraw(actor=request.user, question=q)
    except (ValidationError, PermissionDenied) as exc:
        return fail(request, exc, q.get_absolute_url())
    if not getattr(request, "htmx", False):
        messages.success(request, "Your question is withdrawn.")
    return questions_response(request, q.session)


@login_required
@require_POST
def moderate(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    q = get_question(request, slug, pk)
    action = request.POST.get("action", "")
    try:
        services.live_question_moderate(
            actor=request.user, question=q, action=action, answer=request.POST.get("answer", "")
        )
    except (ValidationError, PermissionDenied) as exc:
        return fail(request, exc, q.get_absolute_url())
    if not getattr(request, "htmx", False):
        messages.success(request, DONE.get(action, "Done."))
    return questions_response(request, q.session, f"#q-{q.pk}")


DONE = {
    "approve": "Approved: the question is in the queue.",
    "dismiss": "Dismissed.",
    "hide": "Hidden from participants.",
    "restore": "Restored.",
    "pin": "Pinned: everyone sees it as the question being answered now.",
    "unpin": "Unpinned.",
    "answer": "Marked answered.",
    "archive": "Archived.",
}


@login_required
@require_POST
def merge(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """Merge the chosen questions: the one with the most votes (the older on a tie) keeps the
    others' votes, unless `target` names another of them."""
    session = get_session(request, slug, pk)
    back = session.get_absolute_url()
    try:
        ids = sorted({int(i) for i in request.POST.getlist("ids")})
        target_id = int(request.POST.get("target") or 0)
    except ValueError:
        return fail(request, ValidationError("Choose questions from the queue."), back)
    if target_id:
        ids = sorted(set(ids) | {target_id})
    if len(ids) < 2:
        return fail(request, ValidationError("Choose at least two questions to merge."), back)
    chosen = [get_question(request, slug, i) for i in ids]
    if any(q.session_id != session.pk for q in chosen):
        return fail(request, ValidationError("Merge only questions of this session."), back)
    ordered = selectors.sort_queue(chosen, "votes")
    target = next((q for q in chosen if q.pk == target_id), ordered[0])
    try:
        services.live_questions_merge(
            actor=request.user, target=target, sources=[q for q in chosen if q.pk != target.pk]
        )
    except (ValidationError, PermissionDenied) as exc:
        return fail(request, exc, back)
    if not getattr(request, "htmx", False):
        messages.success(
            request, f"Merged {len(chosen) - 1} into one question; their votes combine."
        )
    return questions_response(request, session, f"#q-{target.pk}")
