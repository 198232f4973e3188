"""Markdown to safe HTML: CommonMark (markdown-it-py) with tables, strikethrough, task lists,
autolinks, server-side code highlighting (Pygments) and @mentions, then an allowlist sanitiser
(nh3). Every piece of user markdown on a page goes through `render`."""

from __future__ import annotations

import re
from collections.abc import Callable

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from mdit_py_plugins.tasklists import tasklists_plugin
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

MENTION = re.compile(r"@([a-z0-9][a-z0-9-]{0,39})", re.IGNORECASE)
MentionUrl = Callable[[str], str | None]

_formatter = HtmlFormatter(nowrap=True)


def _highlight(code: str, lang: str, attrs: str) -> str:
    """Pygments spans for fenced code with a known language; "" lets markdown-it escape it."""
    if not lang:
        return ""
    try:
        lexer = get_lexer_by_name(lang.strip().split()[0], stripall=False)
    except ClassNotFound:
        return ""
    return highlight(code, lexer, _formatter)


def _mention_rule(state: StateInline, silent: bool) -> bool:
    """`@handle` after a space or at the start becomes a link when the handle is known."""
    if state.src[state.pos] != "@":
        return False
    if state.pos > 0 and (state.src[state.pos - 1].isalnum() or state.src[state.pos - 1] in "._-"):
        return False  # an email address, not a mention
    match = MENTION.match(state.src, state.pos)
    resolve: MentionUrl | None = state.env.get("mention_url")
    if not match or resolve is None:
        return False
    handle = match.group(1).lower()
    url = resolve(handle)
    if url is None:
        return False
    if not silent:
        token = state.push("link_open", "a", 1)
        token.attrs = {"href": url, "class": "mention"}
        text = state.push("text", "", 0)
        text.content = f"@{handle}"
        state.push("link_close", "a", -1)
        state.env.setdefault("mentioned", set()).add(handle)
    state.pos = match.end()
    return True


_md = (
    MarkdownIt(
        "commonmark",
        {"html": False, "linkify": True, "typographer": False, "highlight": _highlight},
    )
    .enable(["table", "strikethrough", "linkify"])
    .use(tasklists_plugin)
)
_md.inline.ruler.before("emphasis", "mention", _mention_rule)

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "img", "input", "li", "ol", "p", "pre", "s", "span", "strong", "sub", "sup", "table",
    "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "class"},
    "img": {"src", "alt", "title"},
    "code": {"class"},
    "span": {"class"},
    "input": {"type", "checked", "disabled"},
    "li": {"class"},
    "ul": {"class"},
    "td": {"style"},
    "th": {"style"},
}


def render(text: str, *, mention_url: MentionUrl | None = None) -> SafeString:
    """Render untrusted markdown to sanitised HTML, with `rel="nofollow ugc noopener"` on links.

    `mention_url(handle)` returns the profile URL for a known handle (or None); without it,
    `@handle` stays text.
    """
    html = _md.render(text or "", {"mention_url": mention_url})
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow ugc noopener",
        filter_style_properties={"text-align"},
    )
    return mark_safe(clean)  # noqa: S308  (nh3 has just sanitised it)


def mentioned_handles(text: str) -> set[str]:
    """The @handles written in `text` (outside code), lower-cased, whether or not they exist."""
    env: dict = {"mention_url": lambda handle: "#"}
    _md.parse(text or "", env)
    return set(env.get("mentioned", set()))


def to_text(text: str, limit: int = 200) -> str:
    """Plain text of markdown, for summaries and meta descriptions."""
    plain = nh3.clean(_md.render(text or ""), tags=set()).strip()
    plain = " ".join(plain.split())
    return plain if len(plain) <= limit else plain[: limit - 1].rstrip() + "…"
