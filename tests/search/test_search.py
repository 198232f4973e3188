"""Searching, on whichever engine the database gives (run the suite on SQLite and PostgreSQL)."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from practica.core.pagination import InvalidCursor
from practica.discussions import services as discussions
from practica.discussions.models import Thread
from practica.search import engines, indexing, selectors, semantic
from practica.search.engines import PostgresEngine, SqliteEngine, day_words, get_engine
from practica.search.models import SearchDocument, SearchEmbedding
from practica.search.query import parse
from practica.search.selectors import search


def titles(results):
    return [r.title for r in results]


@pytest.fixture
def guild(cast_factory, ask, answer):
    cast = cast_factory("public")
    c = cast.community
    k8s = ask(
        c,
        "Rolling update of Kubernetes nodes",
        body="We drain each node first.",
        tags=["kubernetes"],
    )
    helm = ask(
        c,
        "Helm chart versioning",
        body="How do you version a helm chart for kubernetes?",
        tags=["helm"],
    )
    cafe = ask(c, "Café budget for the offsite", body="Coffee and croissants.")
    talk = ask(
        c, "Monthly retrospective notes", body="Deploying on Fridays: yes or no?", kind="discussion"
    )
    ans = answer(k8s, "Cordon, then drain, then upgrade the kubelet.")
    return cast, {"k8s": k8s, "helm": helm, "cafe": cafe, "talk": talk, "answer": ans}


def test_the_engine_follows_the_database():
    engine = get_engine()
    assert isinstance(engine, SqliteEngine if connection.vendor == "sqlite" else PostgresEngine)


def test_words_match_title_tags_and_body_and_answers(guild):
    cast, t = guild
    found = search(user=cast.member, q="kubernetes")
    assert set(titles(found)) == {t["k8s"].title, t["helm"].title}
    assert search(user=cast.member, q="kubelet").items[0].kind == "answer"


def test_stemming_and_accents(guild):
    cast, t = guild
    assert titles(search(user=cast.member, q="draining kind:question")) == [t["k8s"].title]
    assert titles(search(user=cast.member, q="cafe")) == [t["cafe"].title]
    assert titles(search(user=cast.member, q="deploy")) == [t["talk"].title]


def test_all_words_must_match(guild):
    cast, t = guild
    assert titles(search(user=cast.member, q="helm kubernetes")) == [t["helm"].title]
    assert search(user=cast.member, q="helm croissants").items == []


def test_exact_phrase(guild):
    cast, t = guild
    assert titles(search(user=cast.member, q='"rolling update"')) == [t["k8s"].title]
    assert search(user=cast.member, q='"update rolling"').items == []


def test_excluded_words(guild):
    cast, t = guild
    assert titles(search(user=cast.member, q="kubernetes -helm")) == [t["k8s"].title]
    assert titles(search(user=cast.member, q="tag:kubernetes -drain")) == []


def test_prefix_while_typing(guild):
    cast, t = guild
    assert titles(search(user=cast.member, q="kuber", instant=True))[:1] in (
        [t["k8s"].title],
        [t["helm"].title],
    )
    assert search(user=cast.member, q="kuber").items == []


def test_filters(guild, user_factory, add_member):
    cast, t = guild
    m = cast.member
    assert titles(search(user=m, q="tag:helm")) == [t["helm"].title]
    assert titles(search(user=m, q="kind:discussion")) == [t["talk"].title]
    assert {r.kind for r in search(user=m, q="kubernetes kind:answer")} <= {"answer"}
    assert set(titles(search(user=m, q="is:unanswered"))) == {
        t["helm"].title,
        t["cafe"].title,
    }
    discussions.answer_accept(actor=cast.owner, answer=t["answer"])
    solved = search(user=m, q="is:solved kind:question")
    assert titles(solved) == [t["k8s"].title] and solved.items[0].solved
    assert titles(search(user=m, q=f"in:{cast.community.slug} café")) == [t["cafe"].title]
    assert search(user=m, q="in:no-such-place café").items == []
    owner = cast.owner.handle
    assert len(search(user=m, q=f"author:@{owner} kind:question")) == 3
    assert search(user=m, q=f"author:{m.handle} kind:question").items == []


def test_tags_with_numbers_and_hyphens_filter(cast_factory, ask):
    """PostgreSQL's parser reads "python-3" as the word "python" and the number "-3": the
    filter must parse a tag as the index did, on either engine."""
    cast = cast_factory("public")
    three = ask(cast.community, "Upgrading the interpreter", tags=["python-3"])
    ask(cast.community, "Upgrading the old interpreter", tags=["python-2"])
    rolling = ask(cast.community, "Upgrading the cluster nodes", tags=["rolling-update"])
    m = cast.member
    assert titles(search(user=m, q="tag:python-3")) == [three.title]
    assert titles(search(user=m, q="upgrading tag:python-3")) == [three.title]
    assert titles(search(user=m, q="upgrading tag:rolling-update")) == [rolling.title]
    assert titles(search(user=m, q="upgrading -old tag:python-2")) == []


def test_form_filters_and_dates(guild):
    cast, t = guild
    m = cast.member
    assert titles(search(user=m, q="kubernetes", tag="helm")) == [t["helm"].title]
    assert titles(search(user=m, q="", kind="discussion")) == [t["talk"].title]
    today = timezone.now().date()
    assert len(search(user=m, q="kubernetes", after=today)) == 2
    assert search(user=m, q="kubernetes", before=today - timedelta(days=1)).items == []


def test_results_carry_what_the_page_shows(guild):
    cast, t = guild
    r = search(user=cast.member, q="drain kind:question").items[0]
    assert r.url == t["k8s"].get_absolute_url()
    assert r.community == cast.community
    assert "<mark>drain</mark>" in str(r.snippet)
    a = search(user=cast.member, q="kubelet").items[0]
    assert a.url.endswith(f"#answer-{t['answer'].pk}") and a.title == t["k8s"].title


def test_snippets_escape_everything_but_the_marks(cast_factory, ask):
    cast = cast_factory("public")
    ask(cast.community, "Escaping tags safely", body='<script>alert("x")</script> safely & soundly')
    r = search(user=cast.member, q="safely").items[0]
    html = str(r.snippet)
    assert "<script>" not in html and "<mark>" in html
    assert "&lt;" in html or "alert" not in html


def test_cursor_pages_are_full_and_complete(cast_factory, ask):
    cast = cast_factory("public")
    for i in range(7):
        ask(cast.community, f"Observability question number {i}")
    first = search(user=cast.member, q="observability", limit=3)
    assert len(first) == 3 and first.total == 7 and first.next_cursor
    second = search(user=cast.member, q="observability", limit=3, cursor=first.next_cursor)
    third = search(user=cast.member, q="observability", limit=3, cursor=second.next_cursor)
    seen = titles(first) + titles(second) + titles(third)
    assert len(seen) == 7 == len(set(seen)) and third.next_cursor is None


def test_a_bad_cursor_is_a_clear_error(guild):
    cast, _ = guild
    with pytest.raises(InvalidCursor):
        search(user=cast.member, q="kubernetes", cursor="not a cursor!")


def test_an_empty_query_searches_nothing(guild):
    cast, _ = guild
    assert search(user=cast.member, q="   ").items == []
    assert search(user=None, q="kubernetes").items == []


def test_people_and_communities_are_found(cast_factory, user_factory):
    cast = cast_factory("public")
    grace = user_factory("Grace Hopper", team="Compilers")
    found = search(user=cast.member, q="hopper")
    assert [(r.kind, r.title) for r in found] == [("person", "Grace Hopper")]
    assert found.items[0].url == grace.get_absolute_url()
    assert search(user=cast.member, q="compilers kind:person").items[0].title == "Grace Hopper"
    community = search(user=cast.member, q=f"{cast.community.name} kind:community").items[0]
    assert community.url == cast.community.get_absolute_url()


QUERY_PIECES = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            '"',
            "-",
            ":",
            "*",
            "^",
            "(",
            ")",
            "NEAR",
            "NEAR/3",
            "AND",
            "OR",
            "NOT",
            "'",
            ";",
            "tag:",
            "in:",
            "is:",
            "author:@",
            "kind:",
            "\\",
            "%",
            "_",
            "&",
            "|",
            "!",
            "kubernetes",
            "drain",
            "' OR 1=1 --",
            "\x00",
            "🎉",
            "é",
            "<->",
            ":*",
        ]
    ),
)
QUERY_TEXT = st.lists(QUERY_PIECES, max_size=25).map(" ".join) | st.lists(
    QUERY_PIECES, max_size=25
).map("".join)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw=QUERY_TEXT, instant=st.booleans())
def test_any_query_gives_results_or_notices_never_an_error(guild, raw, instant):
    cast, _ = guild
    results = search(user=cast.member, q=raw, instant=instant)
    assert results.total >= len(results.items)
    assert all(r.url for r in results)


def test_monstrous_queries(guild):
    cast, _ = guild
    for raw in ("x" * 10_000, "kubernetes " * 2000, "\x00" * 500, "🎉" * 3000, '"' * 999):
        results = search(user=cast.member, q=raw)
        assert results.total >= 0


def test_deleted_documents_never_show(guild):
    cast, t = guild
    SearchDocument.objects.filter(object_id=t["cafe"].pk, source="thread").update(deleted=True)
    assert search(user=cast.admin, q="cafe").items == []
    assert Thread.objects.filter(pk=t["cafe"].pk).exists()


def test_without_the_extra_search_is_lexical_and_nothing_errors(
    cast_factory, ask, monkeypatch, settings
):
    """Whether or not the semantic extra is installed here: as if it were not."""
    settings.PRACTICA_SEMANTIC = "auto"
    monkeypatch.setattr(semantic, "installed", lambda: False)
    cast = cast_factory("public")
    ci = ask(
        cast.community,
        "Our build pipeline fails on every merge",
        body="The Jenkins job goes red after each pull request is merged.",
    )
    assert not SearchEmbedding.objects.exists()
    assert [r.id for r in search(user=cast.member, q="continuous integration broken")] == []
    assert [r.id for r in search(user=cast.member, q="build pipeline")] == [ci.pk]
    indexing.reindex_all()
    assert not SearchEmbedding.objects.exists()


def test_snippets_mark_the_searched_words_not_the_stop_words_around_them(cast_factory, ask):
    cast = cast_factory("public")
    ask(cast.community, "Tardigrade care", body="Keep the tardigrade in the moss.")
    [hit] = search(user=cast.member, q="the tardigrade").items
    assert (
        "<mark>tardigrade</mark>" in hit.snippet and "<mark>the</mark>" not in hit.snippet.lower()
    )


@pytest.fixture
def dated(cast_factory, ask, monkeypatch):
    """A community with one question per age in days (negative: dated ahead of the clock), each
    with "zephyr" in its body only, created oldest first; the semantic layer off."""
    monkeypatch.setattr(semantic, "installed", lambda: False)
    cast = cast_factory("public")

    def make(ages):
        for days in sorted(ages, reverse=True):
            t = ask(cast.community, f"Release entry {days}", body="Notes on the zephyr rollout.")
            moment = timezone.now() - timedelta(days=days, hours=1)
            Thread.objects.filter(pk=t.pk).update(created_at=moment, last_activity_at=moment)
        indexing.reindex_all()
        return cast

    return make


@pytest.mark.parametrize(
    ("candidates", "newest"), [(3, [1, 3, 8, 20]), (7, [1, 3, 8, 20, 50, 120, 300, 700])]
)
def test_ranking_reads_the_newest_matches_however_far_apart(dated, monkeypatch, candidates, newest):
    """The ranked candidates are the newest CANDIDATES + 1 matches. On PostgreSQL they are read
    a span of days at a time (engines.SPANS), newest first: none is skipped, none read out of
    turn, whether the spans hold them one by one or only the oldest span does."""
    cast = dated([3000, 700, 300, 120, 50, 20, 8, 3, 1])
    monkeypatch.setattr(selectors, "CANDIDATES", candidates)
    found = search(user=cast.member, q="zephyr")
    assert titles(found) == [f"Release entry {days}" for days in newest]
    assert found.total_text == f"{candidates}+"


def test_a_match_of_any_date_is_found(dated):
    cast = dated([-400, -45, 0, 2, 599, 600, 5000])
    found = search(user=cast.member, q="zephyr")
    assert sorted(int(t.split()[-1]) for t in titles(found)) == [-400, -45, 0, 2, 599, 600, 5000]
    assert found.total == 7 and not found.more_than


@given(first=st.integers(-5000, 20_000), length=st.integers(0, 3000))
def test_day_words_cover_each_day_of_a_span_once(first, length):
    last = first + length
    days = []
    for word in day_words(first, last):
        size, block = (int(x) for x in word.removeprefix("qqd").split("_"))
        days += range(block << size, (block + 1) << size)
    assert days == list(range(first, last + 1))
    assert len(day_words(first, last)) <= 2 * 7 * 3 + length // 512 + 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="day words are PostgreSQL's")
def test_the_spans_of_days_split_every_date_once(dated):
    """engines.day_spans: every document is in exactly one span or in the rest, and the GIN
    index answers a span's day words by itself (the same expression as the index's)."""
    ages = [-900, -3, -1, 0, 1, 2, 5, 6, 15, 16, 39, 40, 99, 100, 249, 250, 598, 599, 600, 9000]
    dated(ages)
    spans = get_engine().match(parse("zephyr")).spans
    ids = set(SearchDocument.objects.filter(body__contains="zephyr").values_list("pk", flat=True))
    doc = "search_searchdocument d, (SELECT %s::tsquery AS days) span"
    in_span = f"SELECT d.id FROM {doc} WHERE {spans.condition}"  # noqa: S608
    in_rest = f"SELECT d.id FROM search_searchdocument d WHERE {spans.rest}"  # noqa: S608
    seen: list[int] = []
    with connection.cursor() as cursor:
        for days in spans.days:
            cursor.execute(in_span, [days])
            seen += [pk for (pk,) in cursor.fetchall() if pk in ids]
        cursor.execute(in_rest, spans.rest_params)
        seen += [pk for (pk,) in cursor.fetchall() if pk in ids]
        cursor.execute("SET enable_seqscan = off")
        cursor.execute(f"EXPLAIN {in_span}", [spans.days[0]])
        plan = " ".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET enable_seqscan")
    assert sorted(seen) == sorted(ids) and len(ids) == len(ages)
    assert "search_document_vector" in plan


def test_short_prefixes_and_flag_starts_are_searched_as_words(cast_factory, ask, answer):
    """engines.typed_prefix: one or two letters would match much of the vocabulary, and a start
    like `qqs` the flags of every solved post (ddl.py): they are searched as words."""
    cast = cast_factory("public")
    thread = ask(cast.community, "Kubernetes upgrades", body="Drain first.")
    accepted = answer(thread, "Cordon the node.")
    discussions.answer_accept(actor=cast.owner, answer=accepted)
    assert search(user=cast.member, q="ku", instant=True).items == []
    assert [r.id for r in search(user=cast.member, q="kub", instant=True).items] == [thread.pk]
    assert search(user=cast.member, q="qqs", instant=True).items == []
    assert search(user=cast.member, q="q", instant=True).items == []


def test_a_typed_prefix_finds_its_common_and_rare_completions(cast_factory, ask):
    """The header's search treats the last word as a prefix; every word that starts so counts,
    the rare ones too."""
    cast = cast_factory("public")
    changes = [ask(cast.community, f"Change freeze number {i}") for i in range(4)]
    rare = ask(cast.community, "Chancellor visit agenda")
    found = {r.id for r in search(user=cast.member, q="chan", instant=True)}
    assert found == {t.pk for t in changes} | {rare.pk}
    assert {r.id for r in search(user=cast.member, q="freeze chan", instant=True)} == {
        t.pk for t in changes
    }


PG_ONLY = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's word list")


def _indexed_words_missing_from_the_list() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT word FROM ts_stat('SELECT search_vector FROM search_searchdocument') "
            "EXCEPT SELECT word FROM search_word"
        )
        return {word for (word,) in cursor.fetchall()}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="an index of PostgreSQL's")
def test_a_listing_without_words_can_walk_the_activity_index(guild):
    """ddl.POSTGRESQL_ACTIVITY: the index is in the order a listing of filters alone is read
    (newest activity first), so PostgreSQL can stop after a page instead of sorting every row
    that passes the filters. The tables here are tiny, so the plan is forced."""
    cast, t = guild
    with CaptureQueriesContext(connection) as ctx:
        found = search(user=cast.member, q="kind:question")
    assert [r.id for r in found.items][:1] == [t["k8s"].pk]  # answered last: newest activity
    [sql] = [q["sql"] for q in ctx.captured_queries if "ORDER BY d.last_activity_at" in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET enable_sort = off")
        cursor.execute(f"EXPLAIN {sql}")
        plan = " ".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET enable_seqscan")
        cursor.execute("RESET enable_sort")
    assert "Index Scan Backward using search_doc_activity" in plan, plan


@PG_ONLY
def test_the_word_list_holds_every_indexed_word_after_every_kind_of_write(cast_factory, ask):
    """ddl.WORDS: a document's words are listed by the same statement that writes it, whether
    indexing inserts it, rewrites it after an edit, or a reindex rewrites everything."""
    cast = cast_factory("private")
    thread = ask(cast.community, "Quokka census", body="Counting marsupials on Rottnest.")
    assert PostgresEngine.completions("quok") == ["quokka"]
    assert PostgresEngine.completions("marsup") == ["marsupi"]  # stemmed, as indexed
    assert _indexed_words_missing_from_the_list() == set()
    discussions.thread_update(actor=cast.owner, thread=thread, body="Wallabies and numbats.")
    assert PostgresEngine.completions("numbat") == ["numbat"]
    indexing.reindex_all()
    assert _indexed_words_missing_from_the_list() == set()
    # the word of a post that is gone stays listed, and finds nothing
    SearchDocument.objects.filter(object_id=thread.pk).delete()
    assert PostgresEngine.completions("numbat") == ["numbat"]
    assert search(user=cast.owner, q="numb", instant=True).items == []


@PG_ONLY
@pytest.mark.parametrize("limit", [0, 1, 3])
def test_a_prefix_finds_the_same_written_out_as_its_words_or_not(guild, ask, monkeypatch, limit):
    """A typed prefix becomes its indexed words when it has at most COMPLETIONS of them, and
    stays a prefix otherwise: both find exactly the same documents, with other words, phrases,
    excluded words and filters around them."""
    cast, t = guild
    ask(cast.community, "Kubectl drain stalls", body="The kubelet never answers.")
    ask(cast.community, "Draining kube nodes", body="Cordon first.", tags=["kubernetes"])
    ask(cast.community, "Quorum reads", body="Quick question on quotas.")
    queries = ["kub", "drain kub", "kub -helm", "kube tag:kubernetes", "kube is:solved",
               "node kube", "cord", "zzz", "the kub", "caf", "quo", "reads quo", "qqsolv",
               "kubernetes"]  # fmt: skip
    written = {
        q: [r.id for r in search(user=cast.member, q=q, instant=True).items] for q in queries
    }
    assert PostgresEngine.completions("kub") == ["kube", "kubectl", "kubelet", "kubernet"]
    monkeypatch.setattr(engines, "COMPLETIONS", limit)
    as_prefix = {
        q: [r.id for r in search(user=cast.member, q=q, instant=True).items] for q in queries
    }
    assert written == as_prefix
    assert written["kub"] and written["drain kub"] and written["caf"] == [t["cafe"].pk]
    assert len(written["quo"]) == 1 and written["qqsolv"] == []


@PG_ONLY
def test_a_private_word_in_the_list_finds_an_outsider_nothing(cast_factory, ask):
    """The word list holds the words of private posts (ddl.py, "Words"); they only ever stand in
    for a prefix, inside the permission filter."""
    private, public = cast_factory("private"), cast_factory("public")
    ask(private.community, "Zorkmid ledger", body="Codename zorkmid, internal.")
    shown = ask(public.community, "Zorblax release", body="Public notes.")
    assert PostgresEngine.completions("zork") == ["zorkmid"]
    assert search(user=private.outsider, q="zork", instant=True).items == []
    assert [r.id for r in search(user=private.outsider, q="zor", instant=True).items] == [shown.pk]


@PG_ONLY
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    word=st.text(
        st.characters(exclude_categories=["Cs"], exclude_characters="\x00"),
        min_size=1,
        max_size=200,
    )
)
def test_a_listed_word_is_written_into_a_tsquery_exactly(db, word):
    """Listed words come from documents, so they may hold quotes, backslashes or colons:
    `engines._lexeme` quotes them so that each matches itself and nothing is read as syntax."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT array_to_tsvector(ARRAY[%s]) @@ %s::tsquery, numnode(%s::tsquery)",
            [word, engines._lexeme(word), engines._lexeme(word)],
        )
        assert cursor.fetchone() == (True, 1)


@PG_ONLY
@pytest.mark.django_db(transaction=True)
def test_writers_adding_the_same_new_words_in_opposite_orders_neither_wait_nor_lose_any(
    cast_factory,
):
    """Two transactions each write two documents whose words are new, in opposite orders. With a
    unique word list the second statement of each would wait for the other's commit: a deadlock.
    Here both finish and every word is listed."""
    cast = cast_factory("public")
    first = ["xylarch", "xylbrim", "xylcove"]
    second = ["xyldorn", "xylember", "xylfjord"]
    barrier = threading.Barrier(2, timeout=20)
    errors: list[BaseException] = []

    def write(bodies: list[list[str]], offset: int) -> None:
        try:
            with transaction.atomic():
                for n, body in enumerate(bodies):
                    SearchDocument.objects.create(
                        source="test", object_id=offset + n, kind="question",
                        community_id=cast.community.pk, title="Words", body=" ".join(body),
                        created_at=timezone.now(), last_activity_at=timezone.now(),
                    )  # fmt: skip
                    if n == 0:
                        barrier.wait()
        except BaseException as exc:  # collected and asserted on below
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=write, args=([first, second], 1)),
        threading.Thread(target=write, args=([second, first], 10)),
    ]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert errors == []
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT tsvector_to_array(to_tsvector('practica', %s))", [" ".join(first + second)]
            )
            stems = cursor.fetchone()[0]
        assert len(stems) == 6 and PostgresEngine.completions("xyl") == sorted(stems)
    finally:  # the list is no model: the flush after a transactional test leaves it alone
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_word WHERE word LIKE 'xyl%'")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="stop words are PostgreSQL's")
def test_stop_words_with_a_filter_find_nothing(guild):
    """PostgreSQL indexes no stop words, so a query of them finds nothing (docs/search.md),
    not everything its filters allow."""
    cast, _ = guild
    assert search(user=cast.member, q=f"the in:{cast.community.slug}").items == []
    assert search(user=cast.member, q="the tag:helm").items == []
    assert search(user=cast.member, q="the", instant=True).items == []
