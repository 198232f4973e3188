"""Permissions inside the query: what a searcher may not see is neither shown nor counted."""

import pytest

from practica.communities import services as communities
from practica.search.people import experts
from practica.search.selectors import search, similar

SECRET_WORD = "zanzibarite"


@pytest.fixture
def hidden(cast_factory, ask, answer):
    """A word used only in a private community (question, answer) and a secret one."""
    private = cast_factory("private")
    q = ask(private.community, f"Where is the {SECRET_WORD} runbook?", tags=["ops"])
    answer(q, f"The {SECRET_WORD} runbook is in the vault.")
    secret = cast_factory("secret")
    ask(secret.community, f"A {SECRET_WORD} plan")
    return private, secret


@pytest.mark.parametrize("who", ["outsider", "admin_of_nothing"])
def test_an_outsider_finds_nothing_private_not_even_a_count(hidden, user_factory, who):
    private, _ = hidden
    person = private.outsider if who == "outsider" else user_factory("Nobody")
    results = search(user=person, q=SECRET_WORD)
    assert results.items == [] and results.total == 0 and results.next_cursor is None
    assert search(user=person, q=f"{SECRET_WORD}", instant=True).items == []
    assert similar(user=person, title=f"{SECRET_WORD} runbook") == []


def test_members_find_their_community_only(hidden):
    private, secret = hidden
    mine = search(user=private.member, q=SECRET_WORD)
    assert mine.total == 2 and {r.community for r in mine} == {private.community}
    assert search(user=secret.member, q=SECRET_WORD).total == 1


def test_site_admins_see_everything(hidden):
    private, _ = hidden
    assert search(user=private.admin, q=SECRET_WORD).total == 3


def test_after_leaving_a_community_its_content_disappears_at_once(hidden):
    private, _ = hidden
    assert search(user=private.member, q=SECRET_WORD).total == 2
    communities.community_leave(user=private.member, community=private.community)
    assert search(user=private.member, q=SECRET_WORD).total == 0


def test_after_joining_content_appears(cast_factory, ask, add_member, user_factory):
    cast = cast_factory("private")
    ask(cast.community, f"The {SECRET_WORD} budget")
    newcomer = user_factory("Nina Newcomer")
    assert search(user=newcomer, q=SECRET_WORD).total == 0
    add_member(cast.community, newcomer)
    assert search(user=newcomer, q=SECRET_WORD).total == 1


def test_private_to_public_and_back(hidden):
    private, _ = hidden
    c = private.community
    assert search(user=private.outsider, q=SECRET_WORD).total == 0
    communities.community_update(actor=private.owner, community=c, visibility="public")
    assert search(user=private.outsider, q=SECRET_WORD).total == 2
    communities.community_update(actor=private.owner, community=c, visibility="private")
    assert search(user=private.outsider, q=SECRET_WORD).total == 0


def test_communities_themselves_follow_who_may_know_they_exist(hidden):
    private, secret = hidden
    outsider = private.outsider
    assert search(user=outsider, q=f"kind:community {private.community.name}").total == 1
    assert search(user=outsider, q=f"kind:community {secret.community.name}").total == 0
    assert search(user=secret.member, q=f"kind:community {secret.community.name}").total == 1


def test_in_filter_cannot_reveal_a_secret_community(hidden):
    _, secret = hidden
    results = search(user=secret.outsider, q=f"in:{secret.community.slug} {SECRET_WORD}")
    assert results.total == 0


def test_expert_evidence_from_a_private_community_counts_only_for_members(
    cast_factory, ask, answer, upvote
):
    private = cast_factory("private")
    q = ask(private.community, "Vault unsealing", tags=["vault"])
    a = answer(q, "Use the three key holders.")
    upvote(a, 2)
    assert [e.user for e in experts(user=private.member, topic="vault")] == [a.author]
    assert experts(user=private.outsider, topic="vault") == []


def test_a_document_left_behind_by_a_deleted_community_is_not_shown(cast_factory, ask):
    cast = cast_factory("public")
    ask(cast.community, "Orphaned okapi question")
    cast.community.delete()  # no service deletes communities yet: its documents stay behind
    assert search(user=cast.admin, q="okapi").items == []
