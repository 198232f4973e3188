"""Deleting (soft), editing with a reason, revision history with readable diffs, roll back
and wiki."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from practica.accounts.http import AuthedHttpRequest
from practica.communities import policy
from practica.communities import selectors as community_selectors
from practica.core.forms import add_service_errors
from practica.core.htmx import fail, render_page
from practica.discussions import selectors, services
from practica.discussions.diffs import tag_changes, word_diff
from practica.discussions.forms import (
    AnswerEditForm,
    ThreadEditForm,
)
from practica.discussions.views.common import (
    community_context,
    get_answer,
    get_comment,
    get_thread,
    list_url,
)

# --- Deleting -----------------------------------------------------------------------------------


@login_required
@require_POST
def thread_delete(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    thread = get_thread(request, slug, pk)
    try:
        services.thread_delete(actor=request.user, thread=thread)
    except (ValidationError, PermissionDenied) as exc:
        return fail(request, exc, thread.get_absolute_url())
    messages.success(request, "Deleted. Facilitators can still see it.")
    return redirect(list_url(thread))


@login_required
@require_POST
def answer_delete(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    answer = get_answer(request, slug, pk)
    try:
        services.answer_delete(actor=request.user, answer=answer)
    except (ValidationError, PermissionDenied) as exc:
        return fail(request, exc, answer.get_absolute_url())
    messages.success(request, "Answer deleted.")
    return redirect(answer.thread)


@login_required
@require_POST
def comment_delete(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    comment = get_comment(request, slug, pk)
    try:
        services.comment_delete(actor=request.user, comment=comment)
    except (ValidationError, PermissionDenied) as exc:
        return fail(request, exc, comment.get_absolute_url())
    messages.success(request, "Comment deleted.")
    return redirect(comment.thread)


# --- Editing, revisions, wiki --------------------------------------------------------------------


@login_required
def thread_edit(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    thread = get_thread(request, slug, pk)
    policy.authorize(request.user, "thread.edit", thread)
    initial = {
        "title": thread.title,
        "body": thread.body,
        "tags": ", ".join(t.name for t in thread.tags.all()),
    }
    form = ThreadEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.thread_update(
                actor=request.user,
                thread=thread,
                title=data["title"],
                body=data["body"],
                tags=form.tag_list(),
                reason=data["reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Saved. The revision history keeps every version.")
            return redirect(thread)
    context = community_context(request, thread.community, "edit")
    context.update(
        {"form": form, "thread": thread, "editing": "thread", "preview_id": "body-preview"}
    )
    return render_page(
        request, "discussions/edit.html", context, status=400 if form.errors else 200
    )


@login_required
def answer_edit(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    answer = get_answer(request, slug, pk)
    policy.authorize(request.user, "answer.edit", answer)
    form = AnswerEditForm(request.POST or None, initial={"body": answer.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_update(
                actor=request.user,
                answer=answer,
                body=form.cleaned_data["body"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Saved. The revision history keeps every version.")
            return redirect(answer.get_absolute_url())
    context = community_context(request, answer.thread.community, "edit")
    context.update(
        {
            "form": form,
            "thread": answer.thread,
            "answer": answer,
            "editing": "answer",
            "preview_id": "answer-preview",
        }
    )
    return render_page(
        request, "discussions/edit.html", context, status=400 if form.errors else 200
    )


def _with_diffs(rows: list) -> list:
    for rev in rows:
        before = rev.previous
        if before is None:
            continue
        rev.title_diff = word_diff(before.title, rev.title) if before.title != rev.title else None
        rev.body_diff = word_diff(before.body, rev.body) if before.body != rev.body else None
        rev.tags_added, rev.tags_removed = tag_changes(before.tags or [], rev.tags or [])
    return rows


@login_required
def thread_revisions(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    thread = get_thread(request, slug, pk)
    rows = _with_diffs(selectors.revisions(user=request.user, thread=thread))
    context = community_context(request, thread.community, "revisions")
    context.update(
        {
            "thread": thread,
            "revisions": rows,
            "can_rollback": policy.can(request.user, "thread.rollback", thread),
        }
    )
    return render_page(request, "discussions/revisions.html", context)


@login_required
def answer_revisions(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    answer = get_answer(request, slug, pk)
    rows = _with_diffs(selectors.revisions(user=request.user, answer=answer))
    context = community_context(request, answer.thread.community, "revisions")
    context.update(
        {"thread": answer.thread, "answer": answer, "revisions": rows, "can_rollback": False}
    )
    return render_page(request, "discussions/revisions.html", context)


@login_required
@require_POST
def thread_rollback(request: AuthedHttpRequest, slug: str, pk: int, number: int) -> HttpResponse:
    thread = get_thread(request, slug, pk)
    back = reverse("discussions:thread_revisions", kwargs={"slug": slug, "pk": pk})
    try:
        services.thread_rollback(actor=request.user, thread=thread, number=number)
    except (ValidationError, PermissionDenied) as exc:
        return fail(request, exc, back)
    messages.success(request, f"Rolled back to revision {number}, kept as a new revision.")
    return redirect(back)


@login_required
@require_POST
def thread_wiki(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    thread = get_thread(request, slug, pk)
    is_wiki = request.POST.get("is_wiki") == "1"
    try:
        services.thread_set_wiki(actor=request.user, thread=thread, is_wiki=is_wiki)
    except (ValidationError, PermissionDenied) as exc:
        return fail(request, exc, thread.get_absolute_url())
    messages.success(
        request,
        "This is a wiki now: every member can edit it."
        if is_wiki
        else "This is no longer a wiki: only its author and facilitators edit it.",
    )
    return redirect(thread)


@login_required
@require_POST
def image_upload(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    """Take an image for a post; answers JSON with its URL and the markdown to insert."""
    community = community_selectors.community_get(user=request.user, slug=slug)
    image = request.FILES.get("image")
    if image is None:
        return JsonResponse({"message": "Choose an image to upload.", "field": "image"}, status=400)
    try:
        upload = services.image_upload(user=request.user, community=community, image=image)
    except ValidationError as exc:
        message = " ".join(exc.messages)
        return JsonResponse({"message": message, "field": "image"}, status=400)
    except PermissionDenied as exc:
        return JsonResponse({"message": str(exc)}, status=403)
    url = upload.image.url
    return JsonResponse({"id": upload.pk, "url": url, "markdown": f"![image]({url})"}, status=201)
