"""Whatever people type, `render` gives HTML with no active content and nothing left to sanitise."""

import re
from html.parser import HTMLParser

import nh3
from hypothesis import given, settings
from hypothesis import strategies as st

from practica.core.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, render

SCHEME = re.compile(r"[a-z][a-z0-9+.-]*", re.IGNORECASE)
FORBIDDEN_TAGS = {"script", "iframe", "style", "form", "object", "embed"}
SAFE_SCHEMES = {"http", "https", "mailto"}


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, attrs))

    handle_startendtag = handle_starttag


def _scheme(url: str) -> str | None:
    """The scheme a browser would see (None for a relative URL). Browsers drop tabs and newlines
    anywhere and control characters around the URL; dropping every one of them is stricter."""
    squeezed = "".join(ch for ch in url if ch > " " and ch != "\x7f")
    head, sep, _ = squeezed.partition(":")
    if not sep or not SCHEME.fullmatch(head):
        return None  # no scheme: "java%0ascript:x" is a relative path to a browser
    return head.lower()


def _assert_safe(source: str) -> None:
    html = str(render(source))
    parser = _Elements()
    parser.feed(html)
    parser.close()
    for tag, attrs in parser.found:
        assert tag not in FORBIDDEN_TAGS, (source, html)
        for name, value in attrs:
            assert not name.lower().startswith("on"), (source, html)
            if name.lower() in ("href", "src") and value is not None:
                scheme = _scheme(value)
                assert scheme is None or scheme in SAFE_SCHEMES, (source, html)
    again = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=SAFE_SCHEMES,
        link_rel="nofollow ugc noopener",
        filter_style_properties={"text-align"},
    )
    assert again == html, source


_URLS = st.sampled_from(
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "java%0ascript:alert(1)",
        "&#106;avascript:alert(1)",
        "&#x6A;avascript:alert(1)",
        "&#0000106&#0000097vascript:alert(1)",
        "javascript&colon;alert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "data:image/svg+xml,<svg onload=alert(1)>",
        "vbscript:msgbox(1)",
        "VBScript:msgbox(1)",
        "file:///etc/passwd",
        "https://example.com/a?b=c#d",
        "http://example.com",
        "mailto:someone@example.com",
        "/relative/path",
        "#anchor",
        "<javascript:alert(1)>",
    ]
)
_HTML = st.sampled_from(
    [
        "<script>alert(1)</script>",
        "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
        "<scr<script>ipt>alert(1)</script>",
        "<iframe src=javascript:alert(1)></iframe>",
        "<style>body{display:none}</style>",
        "<form action=https://evil.example><input name=x></form>",
        "<img src=x onerror=alert(1)>",
        '<img src="x" onerror="alert(1)">',
        "<a href=javascript:alert(1) onclick=alert(1)>x</a>",
        "<object data=x.swf></object>",
        "<embed src=x.swf>",
        "<svg onload=alert(1)>",
        "<div style=background:url(javascript:alert(1))>",
        '<td style="text-align:left;background:red">',
        "<!-- <script>alert(1)</script> -->",
        "<![CDATA[<script>alert(1)</script>]]>",
        "&lt;script&gt;",
        "<input type=checkbox onfocus=alert(1) autofocus>",
    ]
)
_MARKDOWN = st.sampled_from(
    [
        "# Title\n",
        "- [ ] task\n- [x] done\n",
        "| a | b |\n|:--|--:|\n| 1 | 2 |\n",
        "```js\n",
        "```\n",
        "```python\nprint('<script>')\n```\n",
        "    indented code\n",
        "> quote\n",
        "**bold** _em_ ~~gone~~\n",
        "@someone ",
        "https://example.com/auto ",
        "www.example.com ",
        "\n\n",
        "`",
        "*",
        "[",
        "](",
        ")",
        '"',
        "'",
    ]
)


@st.composite
def _links(draw) -> str:
    url, text = draw(_URLS), draw(st.sampled_from(["click", "x", "", "<b>y</b>"]))
    form = draw(
        st.sampled_from(
            [
                "[{t}]({u})",
                "![{t}]({u})",
                '[{t}]({u} "title")',
                "<{u}>",
                "[{t}][r]\n\n[r]: {u}\n",
                '<a href="{u}">{t}</a>',
                "<img src='{u}'>",
                "[![{t}]({u})]({u})",
            ]
        )
    )
    return form.format(t=text, u=url)


_PIECES = st.one_of(_HTML, _MARKDOWN, _links(), st.text(max_size=20))
_DOCUMENTS = st.lists(_PIECES, max_size=12).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_render_of_any_text_is_safe_and_stable(source):
    _assert_safe(source)


@settings(max_examples=300, deadline=None)
@given(_DOCUMENTS)
def test_render_of_markdown_mixed_with_html_and_hostile_urls_is_safe_and_stable(source):
    _assert_safe(source)


def test_the_checks_would_catch_active_content():
    """The property holds because render sanitises, not because the checks are blind."""
    parser = _Elements()
    parser.feed('<a href="JavaScript:alert(1)" onclick="x">y</a><script></script>')
    tags = [tag for tag, _ in parser.found]
    assert tags == ["a", "script"]
    assert _scheme(dict(parser.found[0][1])["href"] or "") == "javascript"
    assert _scheme(" java\tscript:alert(1)") == "javascript"
    assert _scheme("/a:b") is None
    assert _scheme("java%0ascript:alert(1)") is None
