"""The search syntax parser: a pure function, total over every string."""

from hypothesis import given, settings
from hypothesis import strategies as st

from practica.search.query import MAX_LENGTH, MAX_TERMS, parse, words_of


def test_plain_words_are_lowercased_and_deduplicated():
    q = parse("Kubernetes ingress kubernetes")
    assert q.words == ["kubernetes", "ingress"]
    assert q.has_text and not q.has_filters


def test_every_operator_is_understood():
    q = parse(
        'deploy "rolling update" -helm tag:K8s in:platform-guild is:solved '
        "author:@ada kind:questions"
    )
    assert q.words == ["deploy"]
    assert q.phrases == [["rolling", "update"]]
    assert q.excluded == [["helm"]]
    assert q.tags == ["k8s"]
    assert q.communities == ["platform-guild"]
    assert q.authors == ["ada"]
    assert q.kinds == ["question"]
    assert q.solved and not q.unanswered
    assert q.notices == []


def test_is_unanswered_and_excluded_phrase():
    q = parse('is:unanswered -"helm chart" terraform')
    assert q.unanswered
    assert q.excluded == [["helm", "chart"]]
    assert q.words == ["terraform"]


def test_an_unbalanced_quote_runs_to_the_end():
    assert parse('"rolling update').phrases == [["rolling", "update"]]


def test_a_one_word_phrase_is_a_word():
    assert parse('"helm"').words == ["helm"] and parse('"helm"').phrases == []


def test_fts_operators_and_sql_are_only_words():
    q = parse("NEAR/3 foo AND bar* ^baz OR \"'; DROP TABLE users; --")
    assert q.words == ["near", "3", "foo", "and", "bar", "baz", "or"]
    assert q.phrases == [["drop", "table", "users"]]


def test_unknown_prefixes_are_words():
    assert parse("foo:bar").words == ["foo", "bar"]


def test_unknown_filter_values_become_notices():
    q = parse("is:wat kind:spaceship x")
    assert q.words == ["x"]
    assert not q.solved and not q.kinds
    assert any("is:wat" in n for n in q.notices)
    assert any("spaceship" in n for n in q.notices)


def test_negated_filters_are_refused_with_a_notice():
    q = parse("-tag:helm kube")
    assert q.tags == [] and q.words == ["kube"]
    assert q.notices


def test_emoji_and_control_characters_are_separators():
    q = parse("🎉café\x00\x07déjà\u200bvu")
    assert q.words == ["café", "déjà", "vu"]


def test_a_huge_query_is_cut_with_a_notice():
    q = parse("word " * 5000)
    assert q.words == ["word"]
    assert any(str(MAX_LENGTH) in n for n in q.notices)


def test_too_many_words_are_cut_with_a_notice():
    q = parse(" ".join(f"w{i}" for i in range(40)))
    assert len(q.words) == MAX_TERMS
    assert any("first" in n for n in q.notices)


def test_only_left_out_words_explain_themselves():
    q = parse("-foo")
    assert not q.has_text and q.excluded == [["foo"]]
    assert q.notices


def test_nothing_is_empty():
    for raw in ("", "   ", "\x00", '"', "-", "***", "🎉"):
        assert parse(raw).is_empty, raw


def test_words_of_splits_on_underscores_and_punctuation():
    assert words_of("snake_case-name.v2") == ["snake", "case", "name", "v2"]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_parse_is_total_and_words_are_plain(raw):
    q = parse(raw)
    for word in [*q.words, *(w for p in q.phrases for w in p), *(w for p in q.excluded for w in p)]:
        assert word and all(ch.isalnum() for ch in word), word
    assert len(q.words) + len(q.phrases) + len(q.excluded) <= MAX_TERMS
    for slug in [*q.tags, *q.communities, *q.authors]:
        assert set(slug) <= set("abcdefghijklmnopqrstuvwxyz0123456789-")
