"""Markdown to safe HTML: CommonMark (markdown-it-py) with tables, strikethrough and task lists,
then an allowlist sanitiser (nh3). Every piece of user markdown on a page goes through `render`."""

from __future__ import annotations

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from mdit_py_plugins.tasklists import tasklists_plugin

_md = (
    MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    .enable(["table", "strikethrough"])
    .use(tasklists_plugin)
)

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "del",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "input",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "code": {"class"},
    "span": {"class"},
    "input": {"type", "checked", "disabled"},
    "li": {"class"},
    "ul": {"class"},
    "td": {"style"},
    "th": {"style"},
}


def render(text: str) -> SafeString:
    """Render untrusted markdown to sanitised HTML, with `rel="nofollow ugc noopener"` on links."""
    html = _md.render(text or "")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow ugc noopener",
        filter_style_properties={"text-align"},
    )
    return mark_safe(clean)  # noqa: S308  (nh3 has just sanitised it)


def to_text(text: str, limit: int = 200) -> str:
    """Plain text of markdown, for summaries and meta descriptions."""
    plain = nh3.clean(_md.render(text or ""), tags=set()).strip()
    plain = " ".join(plain.split())
    return plain if len(plain) <= limit else plain[: limit - 1].rstrip() + "…"
