"""The thread page and its small actions: votes, accepting, answers, comments, reactions,
following, asking experts and deleting. With htmx each action swaps a fragment of the page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from practica.accounts.http import AuthedHttpRequest
from practica.communities import policy
from practica.core.forms import add_service_errors
from practica.core.htmx import fail, render_page
from practica.discussions import selectors, services
from practica.discussions.forms import (
    AnswerForm,
    CommentForm,
)
from practica.discussions.models import Answer, Comment, Reaction, Thread
from practica.discussions.views import fragments
from practica.discussions.views.common import community_context, get_answer, get_comment, get_thread

# --- The thread page ----------------------------------------------------------------------------


def _reaction_box(
    request: HttpRequest,
    key: tuple[str, int],
    found: list[dict],
    url: str,
    can: bool,
    *,
    compact: bool = False,
    more_url: str = "",
    open_panel: bool = False,
) -> dict:
    """Every reaction of the fixed set, with its count and whether it is mine. A compact box
    (on comments) shows only the used ones, and the others behind `more_url` unless
    `open_panel`."""
    by_emoji = {r["emoji"]: r for r in found}
    items = [
        {
            "emoji": name,
            "symbol": symbol,
            "count": by_emoji.get(name, {}).get("count", 0),
            "mine": by_emoji.get(name, {}).get("mine", False),
        }
        for name, symbol in Reaction.EMOJI.items()
    ]
    return {
        "id": f"rx-{key[0]}-{key[1]}",
        "url": url,
        "items": items,
        "can": can,
        "used": found,
        "compact": compact,
        "more_url": more_url,
        "open": open_panel,
    }


def _vote_box(request: HttpRequest, target: Thread | Answer, mine: int, url: str) -> dict:
    kind = "thread" if isinstance(target, Thread) else "answer"
    return {
        "id": f"vote-{kind}-{target.pk}",
        "url": url,
        "score": target.score,
        "mine": mine,
        "can": target.author_id != request.user.pk
        and policy.can(request.user, f"{kind}.vote", target),
        "label": "question" if kind == "thread" else "answer",
    }


def _decorate_comments(
    request: HttpRequest, thread: Thread, comments: list[Comment], page: Any
) -> list[Comment]:
    user, slug = request.user, thread.community.slug
    thread_url, react_to = page.thread_url, page.react_to
    for c in comments:
        c.thread = thread
        rx_url = reverse("discussions:comment_react", kwargs={"slug": slug, "pk": c.pk})
        c.rx = _reaction_box(  # type: ignore[attr-defined]
            request,
            ("comment", c.pk),
            page.reactions.get(("comment", c.pk), []),
            rx_url,
            policy.can(user, "comment.react", c),
            compact=True,
            more_url=f"{thread_url}?react={c.pk}",
            open_panel=c.pk == react_to,
        )
        c.can_delete = policy.can(user, "comment.delete", c)  # type: ignore[attr-defined]
        c.can_edit = policy.can(user, "comment.edit", c)  # type: ignore[attr-defined]
        c.can_reply = policy.can(user, "comment.comment", c)  # type: ignore[attr-defined]
        _decorate_comments(request, thread, getattr(c, "reply_list", []), page)
    return comments


def _comment_block(request: HttpRequest, thread: Thread, answer: Answer | None, page: Any) -> dict:
    key = ("answer", answer.pk) if answer else ("thread", thread.pk)
    target: Any = answer or thread
    return {
        "id": f"comments-{key[0]}-{key[1]}",
        "answer": answer,
        "comments": _decorate_comments(request, thread, page.comments.get(key, []), page),
        "can": policy.can(request.user, f"{key[0]}.comment", target),
    }


def _thread_context(
    request: HttpRequest,
    thread: Thread,
    *,
    answer_form: AnswerForm | None = None,
    comment_error: dict | None = None,
    reply_to: int | None = None,
    react_to: int | None = None,
) -> dict:
    """Everything the thread page shows; a fixed number of queries however long the thread.

    Each answer comes with `html`, its rendered fragment (see fragments.py)."""
    user, slug = request.user, thread.community.slug
    page = selectors.thread_page(user=user, thread=thread)
    page.thread_url, page.react_to = thread.get_absolute_url(), react_to  # type: ignore[attr-defined]
    for a in page.answers:
        a.thread = thread
        a.vote = _vote_box(  # type: ignore[attr-defined]
            request,
            a,
            page.my_votes.get(("answer", a.pk), 0),
            reverse("discussions:answer_vote", kwargs={"slug": slug, "pk": a.pk}),
        )
        a.is_accepted = a.pk == thread.accepted_answer_id  # type: ignore[attr-defined]
        a.can_edit = policy.can(user, "answer.edit", a)  # type: ignore[attr-defined]
        a.can_delete = policy.can(user, "answer.delete", a)  # type: ignore[attr-defined]
        a.block = _comment_block(request, thread, a, page)  # type: ignore[attr-defined]
    can_ask = thread.is_question and policy.can(user, "thread.ask", thread)
    asked_ids = {r.user_id for r in page.asked}
    experts = []
    if can_ask and not thread.deleted_at:
        experts = [
            e
            for e in selectors.experts_for(user=user, thread=thread)
            if e.user.pk not in asked_ids and e.user.pk != user.pk
        ]
    context = community_context(request, thread.community, _tab(thread))
    context.update(
        {
            "thread": thread,
            "page": page,
            "answers": page.answers,
            "tags": page.tags,
            "vote": _vote_box(
                request,
                thread,
                page.my_votes.get(("thread", thread.pk), 0),
                reverse("discussions:thread_vote", kwargs={"slug": slug, "pk": thread.pk}),
            ),
            "rx": _reaction_box(
                request,
                ("thread", thread.pk),
                page.reactions.get(("thread", thread.pk), []),
                reverse("discussions:thread_react", kwargs={"slug": slug, "pk": thread.pk}),
                policy.can(user, "thread.react", thread),
            ),
            "cblock": _comment_block(request, thread, None, page),
            "following": page.following,
            "can_follow": policy.can(user, "thread.follow", thread),
            "can_edit": policy.can(user, "thread.edit", thread),
            "can_delete": policy.can(user, "thread.delete", thread),
            "can_accept": thread.is_question and policy.can(user, "thread.accept", thread),
            "can_answer": thread.is_question and policy.can(user, "thread.answer", thread),
            "is_moderator": policy.can(user, "thread.rollback", thread),
            "can_ask": can_ask,
            "experts": experts,
            "asked": page.asked,
            "answer_form": answer_form or AnswerForm(),
            "comment_error": comment_error or {},
            "reply_to": reply_to,
            "react_to": react_to,
            "thread_url": page.thread_url,  # type: ignore[attr-defined]
        }
    )
    fragments.render_answers(page.answers, context)
    return context


def _render(
    request: HttpRequest, context: dict, *, partial: str | None = None, status: int = 200
) -> HttpResponse:
    """The thread page, or with htmx one of its fragments; the CSRF token filled into cached
    parts."""
    if partial and getattr(request, "htmx", False):
        response = render_page(
            request, "discussions/_thread_main.html", context, partial=partial, status=status
        )
    else:
        context["content_html"] = fragments.render_main(request, context)
        response = render_page(request, "discussions/thread.html", context, status=status)
    return fragments.fill_csrf(request, response)


@login_required
def thread_detail(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """The thread; `?reply=<comment id>` opens the reply form under that comment, and
    `?react=<comment id>` the choice of reactions on it.

    The main part comes from the cache when the thread's version and what the viewer sees
    differently (selectors.thread_viewer_key) are those of a page rendered before."""
    thread = get_thread(request, slug, pk)
    reply_to, react_to = _comment_param(request, "reply"), _comment_param(request, "react")
    if reply_to is not None or react_to is not None:
        context = _thread_context(request, thread, reply_to=reply_to, react_to=react_to)
        return _render(request, context)
    key = fragments.main_key(thread, selectors.thread_viewer_key(user=request.user, thread=thread))
    html = fragments.cached_main(key)
    if html is None:
        context = _thread_context(request, thread)
        context["content_html"] = html = fragments.render_main(request, context)
        fragments.keep_main(key, html)
    else:
        context = community_context(request, thread.community, _tab(thread))
        context.update({"thread": thread, "content_html": html})
    response = render_page(request, "discussions/thread.html", context)
    return fragments.fill_csrf(request, response)


def _comment_param(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() and 0 < int(value) < 2**63 else None


def _tab(thread: Thread) -> str:
    return "questions" if thread.is_question else "discussions"


def _fragment(
    request: HttpRequest, thread: Thread, partial: str, extra: dict, status: int = 200
) -> HttpResponse:
    return _render(request, extra, partial=partial, status=status)


def _vote(request: HttpRequest, target: Thread | Answer, thread: Thread) -> HttpResponse:
    back = target.get_absolute_url()
    try:
        value = int(request.POST.get("value", ""))
        if value not in (-1, 0, 1):
            raise ValueError
    except ValueError:
        return fail(
            request, ValidationError("A vote is 1 (up), -1 (down) or 0 (take it back)."), back
        )
    try:
        if value == 0:
            score = services.vote_clear(user=request.user, target=target)  # type: ignore[arg-type]
        else:
            score = services.vote_set(user=request.user, target=target, value=value)  # type: ignore[arg-type]
    except (ValidationError, PermissionDenied) as exc:
        return fail(request, exc, back)
    if getattr(request, "htmx", False):
        target.score = score
        kind = "thread" if isinstance(target, Thread) else "answer"
        url = reverse(
            f"discussions:{kind}_vote", kwargs={"slug": thread.community.slug, "pk": target.pk}
        )
        return _fragment(request, thread, "vote", {"v": _vote_box(request, target, value, url)})
    messages.success(request, "Vote taken back." if value == 0 else "Thanks for voting.")
    return redirect(back)


@login_required
@require_POST
def thread_vote(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    thread = get_thread(request, slug, pk)
    return _vote(request, thread, thread)


@login_required
@require_POST
def answer_vote(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    answer = get_answer(request, slug, pk)
    return _vote(request, answer, answer.thread)


@login_required
@require_POST
def answer_accept(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """Accept an answer (moving the mark from another), or with `undo` take the mark back."""
    answer = get_answer(request, slug, pk)
    undo = request.POST.get("undo") == "1"
    try:
        if undo:
            services.answer_unaccept(actor=request.user, thread=answer.thread)
        else:
            services.answer_accept(actor=request.user, answer=answer)
    except (ValidationError, PermissionDenied) as exc:
        return fail(request, exc, answer.get_absolute_url())
    if getattr(request, "htmx", False):
        # Accepting changes the question's state at the top too (the solved badge): reload.
        response = HttpResponse()
        response.headers["HX-Refresh"] = "true"
        return response
    messages.success(
        request, "The question is open again." if undo else "Marked as the accepted answer."
    )
    return redirect(answer.get_absolute_url())


@login_required
@require_POST
def answer_create(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    thread = get_thread(request, slug, pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            answer = services.answer_create(
                author=request.user, thread=thread, body=form.cleaned_data["body"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            return fail(request, exc, thread.get_absolute_url())
        else:
            if getattr(request, "htmx", False):
                thread = get_thread(request, slug, pk)
                return _fragment(request, thread, "answers", _thread_context(request, thread))
            messages.success(request, "Your answer is posted.")
            return redirect(f"{thread.get_absolute_url()}#answer-{answer.pk}")
    context = _thread_context(request, thread, answer_form=form)
    return _render(request, context, partial="answers", status=400)


@login_required
@require_POST
def comment_create(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """Comment on the thread, on an answer (`answer`), or reply to a comment (`parent`)."""
    thread = get_thread(request, slug, pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("Unknown answer or comment.")
    data = form.cleaned_data
    answer = parent = None
    if data["parent"]:
        parent = get_comment(request, slug, data["parent"])
        if parent.thread_id != thread.pk:
            raise Http404("No such comment.")
        answer = parent.answer
    elif data["answer"]:
        answer = get_answer(request, slug, data["answer"])
        if answer.thread_id != thread.pk:
            raise Http404("No such answer.")
    block_id = f"comments-answer-{answer.pk}" if answer else f"comments-thread-{thread.pk}"
    try:
        comment = services.comment_create(
            author=request.user, thread=thread, body=data["body"], answer=answer, parent=parent
        )
    except PermissionDenied as exc:
        return fail(request, exc, thread.get_absolute_url())
    except ValidationError as exc:
        error = {
            "block": block_id,
            "parent": parent.pk if parent else None,
            "message": " ".join(exc.messages),
            "body": data["body"],
        }
        context = _thread_context(request, thread, comment_error=error)
        return _comment_response(request, context, answer, status=400)
    if getattr(request, "htmx", False):
        return _comment_response(request, _thread_context(request, thread), answer)
    messages.success(request, "Your reply is posted." if parent else "Your comment is posted.")
    return redirect(comment.get_absolute_url())


def _comment_response(
    request: HttpRequest, context: dict, answer: Answer | None, status: int = 200
) -> HttpResponse:
    if answer is not None:
        context["cblock"] = next(
            (a.block for a in context["answers"] if a.pk == answer.pk), context["cblock"]
        )
    return _render(request, context, partial="comments", status=status)


def _react(request: HttpRequest, target: Thread | Comment, thread: Thread) -> HttpResponse:
    back = target.get_absolute_url()
    try:
        services.reaction_toggle(
            user=request.user,  # type: ignore[arg-type]
            target=target,
            emoji=request.POST.get("emoji", ""),
        )
    except (ValidationError, PermissionDenied) as exc:
        return fail(request, exc, back)
    if getattr(request, "htmx", False):
        context = _thread_context(request, thread)
        if isinstance(target, Thread):
            box = context["rx"]
        else:
            every = [*context["cblock"]["comments"]]
            for a in context["answers"]:
                every += a.block["comments"]
            every += [r for c in list(every) for r in getattr(c, "reply_list", [])]
            box = next(c.rx for c in every if c.pk == target.pk)
        return _fragment(request, thread, "reactions", {**context, "rx": box})
    return redirect(back)


@login_required
@require_POST
def thread_react(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    thread = get_thread(request, slug, pk)
    return _react(request, thread, thread)


@login_required
@require_POST
def comment_react(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    comment = get_comment(request, slug, pk)
    return _react(request, comment, comment.thread)


@login_required
@require_POST
def thread_follow(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    thread = get_thread(request, slug, pk)
    following = request.POST.get("following", "1") == "1"
    try:
        services.follow_set(user=request.user, thread=thread, following=following)
    except (ValidationError, PermissionDenied) as exc:
        return fail(request, exc, thread.get_absolute_url())
    if getattr(request, "htmx", False):
        return _fragment(
            request,
            thread,
            "follow",
            {"thread": thread, "following": following, "can_follow": True},
        )
    messages.success(
        request,
        "You follow this thread: new answers and comments reach you."
        if following
        else "You no longer follow this thread.",
    )
    return redirect(thread)


@login_required
@require_POST
def thread_ask_experts(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    thread = get_thread(request, slug, pk)
    back = f"{thread.get_absolute_url()}#experts"
    try:
        user_ids = [int(i) for i in request.POST.getlist("user_ids")]
    except ValueError:
        return fail(request, ValidationError("Choose people from the list."), back)
    try:
        made = services.experts_ask(actor=request.user, thread=thread, user_ids=user_ids)
    except (ValidationError, PermissionDenied) as exc:
        return fail(request, exc, back)
    names = ", ".join(r.user.name for r in made)
    messages.success(
        request, f"Asked {names}. They see it under “Asked of me”." if made else "Already asked."
    )
    return redirect(back)
