"""Searching: permissions, filters and ranking inside one SQL query (docs/search.md).

What a searcher may see is decided by `communities.policy` (the community ids whose content they
may read, the communities they may know exist) and applied in the WHERE clause together with the
deleted flag, before ranking and paging, so every page is full and every count honest. A fixed
number of queries per call, however many results.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.db import connection
from django.http import Http404
from django.utils import timezone
from django.utils.safestring import SafeString

from practica.accounts.models import User
from practica.communities import policy
from practica.communities.models import Community
from practica.core.pagination import InvalidCursor
from practica.search import semantic, sources
from practica.search.engines import Match, get_engine
from practica.search.highlight import highlight, snippet
from practica.search.models import SearchDocument
from practica.search.query import Query, apply_filter, parse

# SQL here is assembled from this module's and the engines' own fragments; every value a person
# typed travels as a query parameter (%s), and full-text words are letters and digits only.
CANDIDATES = 500  # counts stop at "500+"; results are paged this deep at most
RANKED = 200  # the newest matches in titles ranked beside the newest CANDIDATES + 1 anywhere
FUSED = 100  # with the semantic extra: the best results by words fused with ...
NEAREST = 50  # ... the nearest documents by meaning
PAGE = 20


@dataclass
class Result:
    id: int  # the object's id
    kind: str
    url: str
    title: str
    title_html: SafeString
    heading: str
    snippet: SafeString
    community: Community | None
    score: int
    solved: bool
    answer_count: int
    date: datetime
    document: SearchDocument
    by_meaning: bool = False  # found by the semantic layer, not by its words


@dataclass
class Results:
    items: list[Result] = field(default_factory=list)
    total: int = 0
    more_than: bool = False  # total is a lower bound ("500+")
    next_cursor: str | None = None
    query: Query = field(default_factory=Query)
    notices: list[str] = field(default_factory=list)

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @property
    def total_text(self) -> str:
        return f"{self.total:,}+" if self.more_than else f"{self.total:,}"


def _encode(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"o": offset}).encode()).decode().rstrip("=")


def _decode(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode())
        offset = int(data["o"])
    except (binascii.Error, ValueError, UnicodeDecodeError, KeyError, TypeError) as exc:
        raise InvalidCursor(
            "This page link is not valid; start again from the first page."
        ) from exc
    if not 0 <= offset <= CANDIDATES:
        raise InvalidCursor("This page link is not valid; start again from the first page.")
    return offset


def _in(column: str, values: list[Any]) -> tuple[str, list[Any]]:
    if not values:
        return "1 = 0", []
    return f"{column} IN ({', '.join(['%s'] * len(values))})", list(values)


def _scopes(user: Any, kinds: list[str]) -> list[semantic.Scope]:
    """Which documents `user` may see: for each scope of kinds (sources.SCOPES), those kinds and
    the community ids they must be in (None: anywhere)."""
    out: list[semantic.Scope] = []
    readable, viewable = policy.community_ids(user)
    for scope, ids in (("content", readable), ("community", viewable), ("site", None)):
        scoped = [k for k in sources.kinds_in_scope(scope) if not kinds or k in kinds]
        if scoped and ids != []:
            out.append((scoped, None if ids is None else list(ids)))
    return out


def _in_list(column: str, values: list[int], *, ranked: bool = False) -> tuple[str, list[Any]]:
    """`column` is one of `values` (hundreds of ids: the communities someone may read), with the
    list as one parameter rather than one per id, so the statement stays small to send and plan:
    a JSON array on SQLite, an array on PostgreSQL (sent as the text of one: ids only).

    `ranked`: on PostgreSQL, the array comes from a subquery run once, which the planner does not
    look into. Given the array itself, it estimates each id in turn against the column's
    statistics, for each copy of the condition: a ranked search has four (two candidate sets,
    each over spans of days and the rest), which took half of its planning, 3 ms of 5-6 for the
    bench's user, who may read 400 communities. Each row is then checked by a linear search
    instead of a hash, which costs less over the few thousand rows a ranked search reads; a
    listing without words keeps the array, since the planner's estimate decides its plan there."""
    if not values:
        return "1 = 0", []
    if connection.vendor == "postgresql":
        array = "(SELECT %s::bigint[])::bigint[]" if ranked else "%s::bigint[]"
        return f"{column} = ANY({array})", ["{" + ",".join(str(int(v)) for v in values) + "}"]
    return f"{column} IN (SELECT value FROM json_each(%s))", [json.dumps(list(values))]  # noqa: S608


def _scope(scopes: list[semantic.Scope], *, ranked: bool = False) -> tuple[str, list[Any]]:
    parts: list[str] = []
    params: list[Any] = []
    for scoped, ids in scopes:
        sql, p = _in("d.kind", scoped)
        if ids is not None:
            community_sql, cp = _in_list("d.community_id", ids, ranked=ranked)
            sql, p = f"{sql} AND {community_sql}", p + cp
        parts.append(f"({sql})")
        params += p
    return ("(" + " OR ".join(parts) + ")" if parts else "1 = 0"), params


def _day(value: date, end: bool = False) -> datetime:
    return timezone.make_aware(datetime.combine(value, time.max if end else time.min))


def _filters(
    user: Any,
    q: Query,
    after: date | None,
    before: date | None,
    scopes: list[semantic.Scope],
    *,
    ranked: bool = False,
) -> tuple[list[str], list[Any], list[list[str]]]:
    """The WHERE conditions for the permissions and filters, their parameters, and the flags
    (`engines.Flags`) that let the full-text index apply the same filters first. `ranked`: for
    the candidates of words, not a listing (`_in_list`)."""
    flags: list[list[str]] = []
    where: list[str] = ["d.deleted = %s"]
    params: list[Any] = [False]
    sql, p = _scope(scopes, ranked=ranked)
    where.append(sql)
    params += p
    if q.communities:
        ids = list(
            policy.visible_to(user, Community.objects.filter(slug__in=q.communities)).values_list(
                "pk", flat=True
            )
        )
        if len(ids) < len(q.communities):
            q.notices.append("No community matches some of the in: filters.")
        sql, p = _in("d.community_id", ids)
        where.append(sql)
        params += p
        flags.append([f"c{pk}" for pk in ids])
    for tag in q.tags:
        where.append("d.tags LIKE %s")
        params.append(f"% {tag} %")
    if q.authors:
        ids = list(User.objects.filter(handle__in=q.authors).values_list("pk", flat=True))
        if len(ids) < len(q.authors):
            q.notices.append("Nobody has some of the author: handles.")
        sql, p = _in("d.author_id", ids)
        where.append(sql)
        params += p
        flags.append([f"a{pk}" for pk in ids])
    if q.solved:
        where.append("d.solved = %s")
        params.append(True)
        flags.append(["solved"])
    if q.unanswered:
        where.append("d.kind = %s AND d.answer_count = 0 AND d.solved = %s")
        params += ["question", False]
    if after:
        where.append("d.created_at >= %s")
        params.append(_day(after))
    if before:
        where.append("d.created_at <= %s")
        params.append(_day(before, end=True))
    return where, params, flags


def _tier(q: Query) -> tuple[str, list[Any]]:
    """2 when the title holds the searched words as a phrase, +1 when a word is one of the tags."""
    find = (
        "instr(lower(d.title), %s)"
        if connection.vendor == "sqlite"
        else "strpos(lower(d.title), %s)"
    )
    parts, params = [], []
    phrases = [" ".join(p) for p in q.phrases]
    if len(q.words) > 1:
        phrases.append(" ".join(q.words))
    if phrases:
        parts.append(
            "CASE WHEN " + " OR ".join([f"{find} > 0"] * len(phrases)) + " THEN 2 ELSE 0 END"
        )
        params += phrases
    terms = q.all_terms()
    if terms:
        parts.append(
            "CASE WHEN " + " OR ".join(["d.tags LIKE %s"] * len(terms)) + " THEN 1 ELSE 0 END"
        )
        params += [f"% {t} %" for t in terms]
    return (" + ".join(parts) or "0"), params


def _newest(
    m: Match,
    columns: tuple[str, list[Any]],
    where: list[str],
    params: list[Any],
    bound: int,
    *,
    order: bool = True,
) -> tuple[str, list[Any]]:
    """SQL for the `bound` newest documents that `m` matches (`columns`: what to select, with its
    parameters) and that pass `where`. With the match's spans of days (PostgreSQL), the newest
    `bound` of each span, newest span first, then of the rest, cut at `bound` in all: one
    statement planned once, run for each span in turn (a LATERAL join over the spans' day words)
    until the LIMIT is met, so older spans are not read when newer ones hold enough
    (docs/search.md)."""

    def part(extra: list[str], extra_params: list[Any]) -> tuple[str, list[Any]]:
        conditions = " AND ".join([*m.where, *where, *extra])
        sql = f"SELECT {columns[0]} FROM {m.from_sql} WHERE {conditions}"  # noqa: S608
        if order:
            sql += f" ORDER BY {m.newest}"
        return f"{sql} LIMIT %s", [*columns[1], *m.params, *params, *extra_params, bound]

    if not (order and m.spans):
        return part([], [])
    spans, spans_params = part([m.spans.condition], [])
    rest, rest_params = part([m.spans.rest], m.spans.rest_params)
    sql = (
        f"SELECT * FROM ((SELECT c.* FROM unnest(%s::tsquery[]) AS span(days) "  # noqa: S608
        f"CROSS JOIN LATERAL ({spans}) c) UNION ALL ({rest})) spans LIMIT %s"
    )
    return sql, [m.spans.days, *spans_params, *rest_params, bound]


# Only compared with each other, so not parsed into hundreds of datetimes per search: on SQLite
# "+" leaves the stored text as it is (ISO dates sort as text), PostgreSQL gives seconds.
_LAST_ACTIVITY = {
    "sqlite": "+d.last_activity_at",
    "postgresql": "date_part('epoch', d.last_activity_at)",
}


def _candidates(
    passes: list[tuple[Match, int]],
    where: list[str],
    params: list[Any],
    tier: tuple[str, list[Any]],
) -> tuple[str, list[Any]]:
    """The documents to rank: for each (match, bound) in `passes` (anywhere, and in the title),
    the `bound` newest it finds after the permission and filter conditions (so every candidate
    may be shown), as rows (id, last activity, boost, tier, what the engine's `relevance` reads,
    the pass). With fewer matches than a bound, that is all of them (docs/search.md)."""
    tier_sql, tier_params = tier
    parts: list[str] = []
    args: list[Any] = []
    for n, (m, bound) in enumerate(passes):
        columns = (
            f"d.id AS id, {_LAST_ACTIVITY[connection.vendor]} AS la, d.boost AS boost, "
            f"{tier_sql} AS tier, {m.rank_sql} AS r, {n} AS p"
        )
        sql, p = _newest(m, (columns, [*tier_params, *m.rank_params]), where, params, bound)
        parts.append(f"SELECT * FROM ({sql}) c{n}")  # noqa: S608
        args += p
    return " UNION ALL ".join(parts), args


def _best(
    passes: list[tuple[Match, int]],
    where: list[str],
    params: list[Any],
    tier: tuple[str, list[Any]],
) -> tuple[list[tuple[int, int]], int]:
    """(document id, tier) of every candidate, best first: tier, then relevance * (1 + boost),
    then recent activity, then id (docs/search.md); and how many the first pass found."""
    candidates, args = _candidates(passes, where, params, tier)
    with connection.cursor() as cursor:
        cursor.execute(candidates, args)
        rows = cursor.fetchall()
    relevance = get_engine().relevance
    best: dict[int, tuple[int, float, Any, int]] = {}
    first = 0
    for pk, la, boost, tier_value, r, n in rows:
        first += n == 0
        key = (int(tier_value), relevance(r) * (1 + boost), la, pk)
        if pk not in best or key > best[pk]:
            best[pk] = key
    return [(key[3], key[0]) for key in sorted(best.values(), reverse=True)], first


def _ranked(
    m: Match, where: list[str], params: list[Any], q: Query, *, count: bool = True
) -> tuple[list[tuple[int, int]], int]:
    """(document id, tier) best first, and how many documents match (CANDIDATES + 1 at most:
    the newest that many matches are the candidates, so the count costs nothing more; without
    `count`, RANKED of them)."""
    passes = [(m, CANDIDATES + 1 if count else RANKED)]
    if m.title:
        passes.append((m.title, RANKED))
    return _best(passes, where, params, _tier(q))


def _listed(m: Match, where: list[str], params: list[Any], *, offset: int, limit: int) -> list[int]:
    """Filter-only searches (no words): the newest activity first."""
    conditions = " AND ".join([*m.where, *where])
    sql = (
        f"SELECT d.id FROM {m.from_sql} WHERE {conditions} "  # noqa: S608
        "ORDER BY d.last_activity_at DESC, d.id DESC LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*m.params, *params, limit, offset])
        return [row[0] for row in cursor.fetchall()]


def _passing(ids: list[int], where: list[str], params: list[Any], q: Query) -> set[int]:
    """Which of the documents `ids` pass the permission and filter conditions and contain no
    excluded word (for candidates found by meaning, not words)."""
    if not ids:
        return set()
    m = get_engine().match(Query(excluded=q.excluded))
    id_sql, id_params = _in("d.id", ids)
    conditions = " AND ".join([*m.where, *where, id_sql])
    sql = f"SELECT d.id FROM {m.from_sql} WHERE {conditions}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*m.params, *params, *id_params])
        return {row[0] for row in cursor.fetchall()}


def _meaning(q: Query) -> str:
    return " ".join([*q.words, *(w for phrase in q.phrases for w in phrase)])


def _fused(
    m: Match, where: list[str], params: list[Any], q: Query, scopes: list[semantic.Scope]
) -> tuple[list[int], set[int], int]:
    """Every ranked result when meaning counts too (the semantic extra), and how many of them the
    words alone did not find. The best FUSED results by words and the NEAREST documents by meaning
    that pass the same filters are fused (`semantic.fuse`), the phrase and tag tiers still first;
    the rest of the results by words follow. Also the ids found by meaning alone, and how many
    the words found."""
    lexical, found = _ranked(m, where, params, q)
    near = semantic.index().nearest(
        semantic.embed_query(_meaning(q)), scopes, k=NEAREST, at_least=semantic.SEARCH_MIN
    )
    passing = _passing([pk for pk, _ in near], where, params, q)
    near_ids = [pk for pk, _ in near if pk in passing]
    tiers = dict(lexical)
    head = semantic.fuse([pk for pk, _ in lexical[:FUSED]], near_ids)
    head.sort(key=lambda pk: -tiers.get(pk, 0))  # stable: fused order within a tier
    shown = set(head)
    rest = [pk for pk, _ in lexical[FUSED:] if pk not in shown]
    return head + rest, set(near_ids) - set(tiers), found


def _count(m: Match, where: list[str], params: list[Any]) -> int:
    sql, args = _newest(m, ("1", []), where, params, CANDIDATES + 1, order=False)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({sql}) x", args)  # noqa: S608
        return int(cursor.fetchone()[0])


def results_for(ids: list[int], q: Query, by_meaning: set[int] | None = None) -> list[Result]:
    """The documents `ids`, in that order, ready to show (three queries at most)."""
    docs = SearchDocument.objects.in_bulk(ids)
    rows = [docs[pk] for pk in ids if pk in docs]
    communities = Community.objects.in_bulk({d.community_id for d in rows if d.community_id})
    # A document whose community is gone (deleted since it was indexed) has nowhere to link to.
    rows = [d for d in rows if not d.community_id or d.community_id in communities]
    slugs = {pk: c.slug for pk, c in communities.items()}
    urls: dict[int, str] = {}
    by_source: dict[str, list[SearchDocument]] = {}
    for d in rows:
        by_source.setdefault(d.source, []).append(d)
    for name, group in by_source.items():
        urls.update(sources.get(name).urls(group, slugs))
    # "the" and "after" marked in every line help nobody; they are marked when nothing else was asked.
    terms = [t for t in q.all_terms() if t not in STOP_WORDS] or q.all_terms()
    out = []
    for d in rows:
        title = d.title or d.heading
        out.append(
            Result(
                id=d.object_id,
                kind=d.kind,
                url=urls.get(d.pk, ""),
                title=title,
                title_html=highlight(title, terms),
                heading=d.heading,
                snippet=snippet(d.body, terms),
                community=communities.get(d.community_id) if d.community_id else None,
                score=d.score,
                solved=d.solved,
                answer_count=d.answer_count,
                date=d.last_activity_at,
                document=d,
                by_meaning=d.pk in (by_meaning or ()),
            )
        )
    return out


def search(
    *,
    user: Any,
    q: str = "",
    kind: str = "",
    community: str = "",
    tag: str = "",
    author: str = "",
    solved: bool = False,
    after: date | None = None,
    before: date | None = None,
    cursor: str | None = None,
    limit: int = PAGE,
    instant: bool = False,
    count: bool = True,
) -> Results:
    """What `user` may see that matches `q` (the syntax in `search.query`) and the filters, best
    first: see docs/search.md for the ranking. `instant` treats the last word as a prefix (search
    as you type). Raises InvalidCursor for a bad cursor. Nothing for anonymous users."""
    query = parse(q)
    for name, value in (("kind", kind), ("in", community), ("tag", tag), ("author", author)):
        if value:
            apply_filter(query, name, value, negate=False)
    if solved:
        query.solved = True
    results = Results(query=query, notices=query.notices)
    offset = _decode(cursor)
    if policy.is_anonymous(user) or query.is_empty:
        return results
    scopes = _scopes(user, query.kinds)
    where, params, flags = _filters(user, query, after, before, scopes, ranked=query.has_text)
    match = get_engine().match(query, prefix=instant, flags=flags)
    limit = max(1, min(limit, 50))
    ranked = query.has_text
    if ranked and offset >= CANDIDATES:
        return results
    by_meaning: set[int] = set()
    found: int | None = None  # how many match, when ranking has counted them
    if ranked and not instant and query.words and semantic.enabled():
        everything, by_meaning, found = _fused(match, where, params, query, scopes)
        ids = everything[offset : offset + limit + 1]
    elif ranked:
        best, found = _ranked(match, where, params, query, count=count)
        ids = [pk for pk, _ in best[offset : offset + limit + 1]]
    else:
        ids = _listed(match, where, params, offset=offset, limit=limit + 1)
    results.items = results_for(ids[:limit], query, by_meaning)
    if len(ids) > limit and offset + limit < CANDIDATES:
        results.next_cursor = _encode(offset + limit)
    if not count:  # the header's drop-down shows no count: save the query
        results.total = offset + len(results.items)
        return results
    if found is None:
        found = _count(match, where, params)
    results.total = found + len(by_meaning)
    results.more_than = results.total > CANDIDATES
    results.total = min(results.total, CANDIDATES)
    return results


_STOP = (
    "a an and are as at be but by can do does for from has have how i if in into is it its my no "
    "not of on or our should so that the their there these this to was we what when where which "
    "who why will with you your"
)
STOP_WORDS = frozenset(_STOP.split())


def similar(
    *, user: Any, title: str, community: Community | None = None, limit: int = 5
) -> list[Result]:
    """Up to `limit` questions `user` may see that share words with `title`, best match first
    (any word may match; solved questions and good answers lift). `community` narrows to one; the
    caller checks that `user` may read it."""
    words = [w for w in parse(title).all_terms() if w not in STOP_WORDS and len(w) > 1][:12]
    if policy.is_anonymous(user) or not words:
        return []
    query = Query(words=list(dict.fromkeys(words)))
    scopes = _scopes(user, ["question"])
    if community is not None:
        scopes = [
            (kinds, [community.pk]) for kinds, ids in scopes if ids is None or community.pk in ids
        ]
    # Narrowed scopes carry the community into the SQL too: one condition for both paths.
    where, params, _ = _filters(user, Query(kinds=["question"]), None, None, scopes, ranked=True)
    limit = max(1, min(limit, 10))
    best, _ = _best([(get_engine().similar(query.words), RANKED)], where, params, ("0", []))
    ids = [pk for pk, _ in best[:limit]]
    if semantic.enabled():
        # Questions that mean the same in other words: the nearest titles fused with the above.
        near = semantic.index().nearest(
            semantic.embed_query(title.strip()[:1000]),
            scopes,
            k=limit,
            at_least=semantic.SIMILAR_MIN,
        )
        passing = _passing([pk for pk, _ in near], where, params, Query())
        ids = semantic.fuse(ids, [pk for pk, _ in near if pk in passing])[:limit]
    return results_for(ids, query)


def readable_community(*, user: Any, slug: str) -> Community:
    """The community at `slug` if `user` may read its content; Http404 otherwise (as if it did
    not exist)."""
    community = Community.objects.filter(slug=slug).first()
    if community is None or not policy.can(user, "community.read", community):
        raise Http404("No such community.")
    return community
