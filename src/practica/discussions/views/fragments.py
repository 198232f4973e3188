"""The thread page's parts, rendered once and kept in process-local caches.

Two levels. The page's main part (`_thread_main.html`) is kept whole, in the `pages` cache, under the thread's
`version`, which every service that changes what the page shows moves on, and the viewer's key
(selectors.thread_viewer_key: their standing in the community, what they wrote there, their votes,
reactions and following): a second visit, or another member in the same position, costs a few
small queries and no rendering. When a change moves the version on, the page is rendered again,
and each answer comes from the second level when it did not change itself.

An answer's key is a digest of everything it shows: the answer and its comments (bodies, authors,
times, deletion), scores, reaction counts, what the viewer may do and has done (their votes and
reactions), and the minute (relative times like "5 minutes ago" move on). A change anywhere gives
a new key, so nothing is ever invalidated: old entries age out of the `fragments` cache. The one
per-person value not in the key is the CSRF token: fragments hold `CSRF_HOLE`, and `fill_csrf`
puts the request's token in its place in the finished page.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import get_template, render_to_string
from django.utils.safestring import SafeString, mark_safe

from practica.discussions.models import Answer, Comment

CSRF_HOLE = "csrf-token-hole-5b9e0c"
TTL = 60 * 60  # seconds: an entry nobody asked for in an hour is dropped
VERSION = 1  # bump when _answer.html or what it includes changes shape


def _minute() -> int:
    """The current minute: part of every key, so relative times ("5 minutes ago") move on."""
    return int(time.time() // 60)


def _person(p: Any) -> tuple:
    return (p.pk, p.name, p.handle, str(p.avatar)) if p is not None else ()


def _comment_sig(c: Comment, out: list) -> None:
    rx = c.rx  # type: ignore[attr-defined]
    out.append(
        (
            c.pk,
            c.body_html,
            c.created_at,
            c.edited_at,
            c.deleted_at,
            _person(c.author),
            rx["can"],
            tuple((r["count"], r["mine"]) for r in rx["items"]),
            c.can_delete,  # type: ignore[attr-defined]
            c.can_reply,  # type: ignore[attr-defined]
        )
    )
    for r in getattr(c, "reply_list", []):
        _comment_sig(r, out)


def _answer_key(a: Answer, shared: tuple) -> str:
    block = a.block  # type: ignore[attr-defined]
    vote = a.vote  # type: ignore[attr-defined]
    sig: list = [
        VERSION,
        shared,
        a.pk,
        a.body_html,
        a.created_at,
        a.edited_at,
        a.deleted_at,
        _person(a.author),
        vote["score"],
        vote["mine"],
        vote["can"],
        a.is_accepted,  # type: ignore[attr-defined]
        a.can_edit,  # type: ignore[attr-defined]
        a.can_delete,  # type: ignore[attr-defined]
        block["can"],
    ]
    for c in block["comments"]:
        _comment_sig(c, sig)
    digest = hashlib.blake2b(repr(sig).encode(), digest_size=16).hexdigest()
    return f"answer:{a.pk}:{digest}"


def _touches(a: Answer, opened: set[int | None], comment_error: dict) -> bool:
    """Whether this answer shows an open reply form or choice of reactions, or a comment error:
    rendered fresh."""
    block = a.block  # type: ignore[attr-defined]
    if comment_error.get("block") == block["id"]:
        return True
    every = [*block["comments"]]
    every += [r for c in block["comments"] for r in getattr(c, "reply_list", [])]
    return any(c.pk in opened for c in every)


def render_answers(answers: list[Answer], context: dict) -> None:
    """Set `a.html` on each answer: from the cache when all it shows is unchanged."""
    if not answers:
        return
    cache = caches["fragments"]
    template = get_template("discussions/_answer.html")
    community, thread = context["community"], context["thread"]
    reply_to, comment_error = context.get("reply_to"), context.get("comment_error") or {}
    opened = {reply_to, context.get("react_to")} - {None}
    shared = (
        community.slug,
        thread.pk,
        context["can_accept"],
        _minute(),
    )
    keys = {a.pk: _answer_key(a, shared) for a in answers}
    found = cache.get_many(list(keys.values()))
    fresh: dict[str, str] = {}
    base = {
        "community": community,
        "thread": thread,
        "thread_url": context["thread_url"],
        "can_accept": context["can_accept"],
        "reply_to": reply_to,
        "react_to": context.get("react_to"),
        "comment_error": comment_error,
        "csrf_token": CSRF_HOLE,
    }
    for a in answers:
        key = keys[a.pk]
        if _touches(a, opened, comment_error):
            html = template.render({**base, "a": a})
        elif key in found:
            html = found[key]
        else:
            html = fresh[key] = template.render({**base, "a": a})
        a.html = mark_safe(html)  # type: ignore[attr-defined]  # noqa: S308  (our template's output)
    if fresh:
        cache.set_many(fresh, TTL)


def main_key(thread: Any, viewer: tuple) -> str:
    """The main part's key: the thread's version, the viewer's key, what the part shows of the
    community, and the minute (for relative times, and for what no version counts, like an
    author's new name: at most a minute old)."""
    community = thread.community
    sig = (
        VERSION,
        thread.version,
        viewer,
        community.slug,
        community.name,
        community.purpose,
        _minute(),
    )
    digest = hashlib.blake2b(repr(sig).encode(), digest_size=16).hexdigest()
    return f"thread:{thread.pk}:{digest}"


def cached_main(key: str) -> str | None:
    html = caches["pages"].get(key)
    return mark_safe(html) if html is not None else None  # noqa: S308  (our template's output)


def keep_main(key: str, html: str) -> None:
    caches["pages"].set(key, str(html), TTL)


def render_main(request: HttpRequest, context: dict) -> str:
    """`_thread_main.html` with `CSRF_HOLE` for the token, so the result can be kept."""
    html = render_to_string(
        "discussions/_thread_main.html", {**context, "csrf_token": CSRF_HOLE}, request=request
    )
    return mark_safe(html)  # noqa: S308  (our template's output)


def thread_row(t: Any, *, show_kind: bool, show_community: bool) -> SafeString:
    """`_thread_row.html` for thread `t` (loaded with its author, community and tags), kept under
    a digest of everything the row shows. Rows show nothing that depends on the viewer."""
    sig = (
        VERSION,
        t.pk,
        t.title,
        t.kind,
        t.score,
        t.answer_count,
        t.comment_count,
        t.accepted_answer_id is not None,
        t.created_at,
        t.deleted_at,
        _person(t.author),
        tuple(tag.name for tag in t.tags.all()),
        t.community.slug,
        t.community.name,
        show_kind,
        show_community,
        _minute(),
    )
    key = f"row:{t.pk}:{hashlib.blake2b(repr(sig).encode(), digest_size=16).hexdigest()}"
    cache = caches["fragments"]
    html = cache.get(key)
    if html is None:
        html = get_template("discussions/_thread_row.html").render(
            {"t": t, "show_kind": show_kind, "show_community": show_community}
        )
        cache.set(key, html, TTL)
    return mark_safe(html)  # noqa: S308  (our template's output)


def fill_csrf(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Put the request's CSRF token where cached fragments left `CSRF_HOLE`."""
    hole = CSRF_HOLE.encode()
    if hole in response.content:
        response.content = response.content.replace(hole, get_token(request).encode())
    return response
