"""The search syntax, parsed by a pure function: any string in, a `Query` out, never an error.

    kubernetes ingress        words: every one must match (stemmed, accents folded)
    "rolling update"          an exact phrase
    -helm  -"helm chart"      leave out what has this word or phrase
    tag:k8s                   tagged k8s            in:platform-guild   in that community
    is:solved  is:unanswered  questions with an accepted answer / without any answer
    author:@ada               written by @ada       kind:question       question, discussion,
                                                                        answer, comment, person,
                                                                        community, live_question,
                                                                        live_note
Filters repeat (`tag:a tag:b` needs both tags; `kind:` and `in:` take any of theirs). A word is
what Unicode calls letters and digits: punctuation, FTS operators (NEAR, AND, *, ^, :), SQL and
emoji are separators, so the engines only ever see quoted plain words. Problems (an unknown
filter, a query cut short) become `notices` for the searcher, not errors.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

MAX_LENGTH = 1000  # characters of query considered
MAX_TERMS = 12  # words + phrases + exclusions handed to the engine
MAX_WORD = 64  # characters of one word
KINDS = (
    "question",
    "discussion",
    "answer",
    "comment",
    "person",
    "community",
    "live_question",
    "live_note",
)
KIND_ALIASES = {
    **{k: k for k in KINDS},
    **{f"{k}s": k for k in KINDS},
    "people": "person",
    "communities": "community",
    "q": "question",
    **{f"live-{k}{s}": f"live_{k}" for k in ("question", "note") for s in ("", "s")},
}
FILTERS = ("tag", "in", "is", "author", "kind")

_WORD = re.compile(r"[^\W_]+")
_TOKEN = re.compile(r'(-?)(?:([A-Za-z]+):)?("[^"]*"?|\S+)')
_SLUG = re.compile(r"[^a-z0-9-]+")


@dataclass
class Query:
    words: list[str] = field(default_factory=list)
    phrases: list[list[str]] = field(default_factory=list)
    excluded: list[list[str]] = field(default_factory=list)  # words or phrases
    tags: list[str] = field(default_factory=list)
    communities: list[str] = field(default_factory=list)  # slugs
    authors: list[str] = field(default_factory=list)  # handles
    kinds: list[str] = field(default_factory=list)
    solved: bool = False
    unanswered: bool = False
    notices: list[str] = field(default_factory=list)

    @property
    def has_text(self) -> bool:
        """Something for the full-text engine to match."""
        return bool(self.words or self.phrases)

    @property
    def has_filters(self) -> bool:
        return bool(
            self.tags or self.communities or self.authors or self.kinds or self.solved
        ) or bool(self.unanswered)

    @property
    def is_empty(self) -> bool:
        return not (self.has_text or self.has_filters)

    def all_terms(self) -> list[str]:
        """Every positive word, phrases included (for highlighting and tag matches)."""
        return [*self.words, *(w for p in self.phrases for w in p)]


def words_of(text: str) -> list[str]:
    """The words in `text`: runs of letters and digits, lower-cased, NFKC-normalised."""
    return [w.lower()[:MAX_WORD] for w in _WORD.findall(unicodedata.normalize("NFKC", text))]


def _slug(text: str) -> str:
    return _SLUG.sub("-", text.lower()).strip("-")[:50]


def _clean(raw: str) -> str:
    text = "".join(
        " " if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp") else ch
        for ch in raw[: MAX_LENGTH * 2]
    )
    return text


def parse(raw: str | None) -> Query:
    """Parse the search syntax (module docstring). Total: every input gives a `Query`."""
    q = Query()
    text = _clean(raw or "")
    if len(text) > MAX_LENGTH:
        text = text[:MAX_LENGTH]
        q.notices.append(f"Only the first {MAX_LENGTH} characters of the search were used.")
    dropped = False
    for negate, name, value in _TOKEN.findall(text):
        name = name.lower()
        is_phrase = value.startswith('"')
        if name and name not in FILTERS:  # "foo:bar" is two words
            value, name = f"{name} {value}", ""
        if name and not is_phrase:
            apply_filter(q, name, value, negate=bool(negate))
            continue
        if name:  # tag:"x y" and the like: the quoted value is the filter's
            apply_filter(q, name, value.strip('"'), negate=bool(negate))
            continue
        tokens = words_of(value)
        if not tokens:
            continue
        if len(q.words) + len(q.phrases) + len(q.excluded) >= MAX_TERMS:
            dropped = True
            continue
        if negate:
            q.excluded.append(tokens)
        elif is_phrase and len(tokens) > 1:
            q.phrases.append(tokens)
        else:
            for t in tokens:
                if t in q.words:
                    continue
                if len(q.words) + len(q.phrases) + len(q.excluded) >= MAX_TERMS:
                    dropped = True
                    break
                q.words.append(t)
    if dropped:
        q.notices.append(f"Only the first {MAX_TERMS} words were used.")
    if q.excluded and not q.has_text and not q.has_filters:
        q.notices.append("Add a word to look for: a search of only left-out words finds nothing.")
    return q


def apply_filter(q: Query, name: str, value: str, *, negate: bool) -> None:
    """Apply the filter `name:value` to `q` (also used for the search form's fields)."""
    if negate:
        q.notices.append(f"“-{name}:” is not supported; {name}: was ignored.")
        return
    if name == "tag":
        tag = _slug(value)
        if tag and tag not in q.tags:
            q.tags.append(tag)
    elif name == "in":
        slug = _slug(value)
        if slug and slug not in q.communities:
            q.communities.append(slug)
    elif name == "author":
        handle = _slug(value.lstrip("@"))
        if handle and handle not in q.authors:
            q.authors.append(handle)
    elif name == "kind":
        kind = KIND_ALIASES.get(value.lower())
        if kind is None:
            q.notices.append(f"Unknown kind “{value[:40]}”: use one of {', '.join(KINDS)}.")
        elif kind not in q.kinds:
            q.kinds.append(kind)
    elif name == "is":
        flag = value.lower()
        if flag == "solved":
            q.solved = True
        elif flag in ("unanswered", "open"):
            q.unanswered = True
        else:
            q.notices.append(f"Unknown “is:{value[:40]}”: use is:solved or is:unanswered.")
