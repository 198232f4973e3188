"""Index upkeep: every change that reaches the index does so after commit, through an event and
the indexing task; `practica search reindex` rebuilds and `check` reports drift."""

import io
from contextlib import redirect_stderr, redirect_stdout

import pytest
from django.db import connection, transaction
from django.utils import timezone

from practica.accounts.services import user_profile_update
from practica.cli import main
from practica.communities import services as communities
from practica.discussions import services as discussions
from practica.discussions.models import Comment
from practica.search import indexing
from practica.search.models import SearchDocument
from practica.search.selectors import search


def doc(source, pk):
    return SearchDocument.objects.get(source=source, object_id=pk)


def kinds_for(user, q):
    return sorted(r.kind for r in search(user=user, q=q))


def test_asking_and_starting_index_at_once(cast_factory, ask):
    cast = cast_factory("public")
    q = ask(cast.community, "Quokka husbandry", tags=["animals"])
    d = ask(cast.community, "Quokka photos", kind="discussion")
    assert doc("thread", q.pk).kind == "question" and doc("thread", q.pk).tags == " animals "
    assert doc("thread", d.pk).kind == "discussion"


def test_nothing_is_indexed_before_the_transaction_commits(cast_factory, ask):
    cast = cast_factory("public")
    with transaction.atomic():
        t = ask(cast.community, "Pangolin care")
        assert not SearchDocument.objects.filter(source="thread", object_id=t.pk).exists()
    assert SearchDocument.objects.filter(source="thread", object_id=t.pk).exists()


def test_a_rolled_back_question_is_never_indexed(cast_factory, ask):
    cast = cast_factory("public")
    with pytest.raises(RuntimeError), transaction.atomic():
        ask(cast.community, "Axolotl tanks")
        raise RuntimeError
    assert search(user=cast.member, q="axolotl").total == 0


def test_editing_a_thread_reindexes_it_and_its_answers(cast_factory, ask, answer):
    cast = cast_factory("public")
    t = ask(cast.community, "Old wombat title", tags=["old"])
    a = answer(t, "An answer about burrows.")
    discussions.thread_update(actor=cast.owner, thread=t, title="New platypus title", tags=["new"])
    assert search(user=cast.member, q="wombat").total == 0
    assert search(user=cast.member, q="platypus tag:new").total == 1
    assert doc("answer", a.pk).heading == "New platypus title"


def test_deleting_a_thread_hides_it_with_its_answers_and_comments(cast_factory, ask, answer):
    cast = cast_factory("public")
    t = ask(cast.community, "Capybara diets")
    a = answer(t, "Capybara eat grass.")
    discussions.comment_create(author=cast.member, thread=t, body="Capybara also nap.")
    assert kinds_for(cast.member, "capybara") == ["answer", "comment", "question"]
    discussions.thread_delete(actor=cast.owner, thread=t)
    assert search(user=cast.member, q="capybara").total == 0
    assert search(user=cast.admin, q="capybara").total == 0
    assert doc("answer", a.pk).deleted


def test_answers_are_posted_edited_accepted_and_deleted(cast_factory, ask, answer):
    cast = cast_factory("public")
    t = ask(cast.community, "Narwhal tusks")
    a = answer(t, "They are teeth.")
    assert doc("thread", t.pk).answer_count == 1
    assert search(user=cast.member, q="teeth").total == 1
    discussions.answer_update(actor=a.author, answer=a, body="They are long canine teeth.")
    assert search(user=cast.member, q="canine").total == 1
    discussions.answer_accept(actor=cast.owner, answer=a)
    assert doc("thread", t.pk).solved and doc("answer", a.pk).solved
    assert doc("thread", t.pk).boost >= 0.5
    b = answer(t, "Or sensors, say some.")
    discussions.answer_delete(actor=b.author, answer=b)
    assert search(user=cast.member, q="sensors").total == 0


def test_filters_with_words_follow_accepting_and_unaccepting(cast_factory, ask, answer):
    """With words, `is:solved`, `in:` and `author:` are also matched in the full-text index
    (SQLite keeps them as flags beside the text): they follow every change."""
    cast = cast_factory("public")
    t = ask(cast.community, "Capybara diets")
    a = answer(t, "Mostly grass.")
    assert search(user=cast.member, q="capybara is:solved").total == 0
    discussions.answer_accept(actor=cast.owner, answer=a)
    assert search(user=cast.member, q="capybara is:solved").total == 1
    assert search(user=cast.member, q="grass is:solved").total == 1  # the accepted answer
    discussions.answer_unaccept(actor=cast.owner, thread=t)
    assert search(user=cast.member, q="capybara is:solved").total == 0
    assert search(user=cast.member, q="grass is:solved").total == 0
    found = search(
        user=cast.member, q=f"capybara in:{cast.community.slug} author:@{t.author.handle}"
    )
    assert [r.id for r in found] == [t.pk]
    assert search(user=cast.member, q=f"capybara author:@{a.author.handle}").total == 0
    assert [r.id for r in search(user=cast.member, q=f"grass author:@{a.author.handle}")] == [a.pk]


def test_comments_are_indexed(cast_factory, ask, answer):
    cast = cast_factory("public")
    t = ask(cast.community, "Ibis migration")
    a = answer(t, "South in winter.")
    c = discussions.comment_create(author=cast.member, thread=t, answer=a, body="Flamingos too")
    r = search(user=cast.member, q="flamingos").items[0]
    assert r.kind == "comment" and r.url.endswith(f"#comment-{c.pk}")


def test_votes_move_scores_and_boosts(cast_factory, ask, answer, upvote):
    cast = cast_factory("public")
    t = ask(cast.community, "Lemur calls")
    a = answer(t, "They sing.")
    upvote(t, 2)
    upvote(a, 3)
    assert doc("thread", t.pk).score == 2 and doc("answer", a.pk).score == 3
    assert doc("thread", t.pk).boost > 0


def test_profile_and_community_changes(cast_factory):
    cast = cast_factory("public")
    user_profile_update(
        user=cast.member, name="Mo Member", team="Okapi Research", expertise=["okapis"]
    )
    person = doc("person", cast.member.pk)
    assert "Okapi Research" in person.body and person.tags == " okapis "
    communities.community_update(
        actor=cast.owner, community=cast.community, purpose="Everything about tapirs."
    )
    assert search(user=cast.outsider, q="tapirs kind:community").total == 1


def test_reindex_rebuilds_and_check_reports_drift(cast_factory, ask, answer):
    cast = cast_factory("public")
    t = ask(cast.community, "Gecko feet")
    a = answer(t, "Setae.")
    assert all(d.clean for d in indexing.check())
    SearchDocument.objects.filter(source="answer", object_id=a.pk).delete()  # missing
    SearchDocument.objects.filter(source="thread", object_id=t.pk).update(title="Stale")  # stale
    orphan = SearchDocument.objects.get(source="person", object_id=cast.member.pk)
    orphan.pk, orphan.object_id = None, 999_999
    orphan.save()  # an orphan
    report = {d.source: d for d in indexing.check()}
    assert report["answer"].missing == [a.pk]
    assert report["thread"].stale == [t.pk]
    assert report["person"].orphans == [999_999]
    indexing.reindex_all()
    assert all(d.clean for d in indexing.check())
    assert search(user=cast.member, q="gecko").total == 1


def test_the_command_line_reindexes_with_progress_and_checks(cast_factory, ask):
    cast = cast_factory("public")
    ask(cast.community, "Tardigrade survival")
    SearchDocument.objects.all().delete()
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err), pytest.raises(SystemExit) as exit_:
        main(["search", "check"])
    assert exit_.value.code == 1 and "Drift found" in out.getvalue()
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err), pytest.raises(SystemExit) as exit_:
        main(["search", "reindex"])
    assert exit_.value.code == 0 and "Indexed" in out.getvalue() and "[####" in err.getvalue()
    assert search(user=cast.member, q="tardigrade").total == 1
    with redirect_stdout(io.StringIO()) as out, pytest.raises(SystemExit) as exit_:
        main(["search", "check", "--quiet"])
    assert exit_.value.code == 0 and "OK" in out.getvalue()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's word list")
def test_check_finds_and_fixes_words_missing_from_the_prefix_list(cast_factory, ask):
    """Writes that skip the list's triggers (disabled, a logical replica) leave words unlisted,
    and a prefix would then miss their documents: `check` reports them, `--fix` lists them."""
    cast = cast_factory("public")
    thread = ask(cast.community, "Axolotl tanks")
    other = ask(cast.community, "Axolemma staining")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM search_word WHERE word = 'axolotl'")
    assert indexing.unlisted_words() == 1
    assert [r.id for r in search(user=cast.member, q="axol", instant=True).items] == [other.pk]
    with redirect_stdout(io.StringIO()) as out, pytest.raises(SystemExit) as exit_:
        main(["search", "check", "--quiet"])
    assert exit_.value.code == 1 and "missing from the list that prefixes expand to: 1" in (
        out.getvalue()
    )
    with redirect_stdout(io.StringIO()) as out, pytest.raises(SystemExit) as exit_:
        main(["search", "check", "--fix", "--quiet"])
    assert exit_.value.code == 0 and "1 words listed" in out.getvalue()
    assert indexing.unlisted_words() == 0
    found = {r.id for r in search(user=cast.member, q="axol", instant=True).items}
    assert found == {thread.pk, other.pk}


def test_comment_edits_deletions_unaccepting_and_tag_renames_reach_the_index(cast_factory, ask):
    cast = cast_factory("public")
    t = ask(cast.community, "Hoatzin chicks", tags=["birds"])
    c = discussions.comment_create(author=cast.member, thread=t, body="Claws on wings")
    discussions.comment_update(actor=cast.member, comment=c, body="Talons on wings")
    assert search(user=cast.member, q="claws").total == 0
    assert search(user=cast.member, q="talons").total == 1
    discussions.comment_delete(actor=cast.member, comment=c)
    assert search(user=cast.member, q="talons").total == 0
    tag = t.tags.get()
    discussions.tag_update(actor=cast.owner, tag=tag, name="ornithology")
    assert search(user=cast.member, q="tag:ornithology").total == 1
    assert all(d.clean for d in indexing.check())


def test_check_fix_repairs_changes_made_behind_the_services(cast_factory, ask):
    """A change that bypasses the services (a data fix in the shell) publishes no event:
    `practica search check --fix` (or a reindex) catches it."""
    cast = cast_factory("public")
    t = ask(cast.community, "Hoatzin chicks")
    c = discussions.comment_create(author=cast.member, thread=t, body="Claws on wings")
    Comment.objects.filter(pk=c.pk).update(deleted_at=timezone.now())
    report = indexing.check()
    assert [d.stale for d in report if d.source == "comment"] == [[c.pk]]
    indexing.repair(report)
    assert search(user=cast.member, q="claws").total == 0
