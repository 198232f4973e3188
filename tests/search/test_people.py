"""Who knows about this? Ranking by evidence, with reasons, within what the searcher may read."""

from practica.accounts.services import user_profile_update
from practica.discussions import services as discussions
from practica.search.people import experts


def test_people_rank_by_accepted_answers_upvotes_and_expertise(
    cast_factory, ask, answer, upvote, user_factory, add_member
):
    cast = cast_factory("public")
    c = cast.community
    ana, ben, cy = (
        user_factory("Ana Accepted"),
        user_factory("Ben Upvoted"),
        user_factory("Cy Claims"),
    )
    for person in (ana, ben, cy):
        add_member(c, person)
    for i in range(2):
        t = ask(c, f"Kubernetes ingress {i}", tags=["kubernetes"])
        a = answer(t, "Use an ingress controller.", author=ana)
        discussions.answer_accept(actor=cast.owner, answer=a)
    t = ask(c, "Kubernetes probes", tags=["kubernetes"])
    upvote(answer(t, "Readiness first.", author=ben), 4)
    user_profile_update(user=cy, name=cy.name, expertise=["kubernetes"])
    other = ask(c, "Terraform modules", tags=["terraform"])
    upvote(answer(other, "Pin versions.", author=cy), 5)  # another topic: no evidence here

    found = experts(user=cast.member, topic="Kubernetes")
    assert [e.user for e in found] == [ana, ben, cy]
    assert found[0].reasons == ["2 accepted answers on `kubernetes`"]
    assert found[1].reasons == ["4 upvotes on answers about `kubernetes`"]
    assert found[2].reasons == ["lists `kubernetes` as expertise"]
    assert found[0].score == 6 and found[1].score == 4 and found[2].score == 2


def test_a_community_narrows_to_its_members_and_evidence(cast_factory, ask, answer, upvote):
    one, two = cast_factory("public"), cast_factory("public")
    a1 = answer(ask(one.community, "Helm one", tags=["helm"]), "Chart it.")
    upvote(a1, 1)
    a2 = answer(ask(two.community, "Helm two", tags=["helm"]), "Template it.")
    upvote(a2, 1)
    assert {e.user for e in experts(user=one.member, topic="helm")} == {a1.author, a2.author}
    assert [e.user for e in experts(user=one.member, topic="helm", community=one.community)] == [
        a1.author
    ]


def test_deleted_answers_are_no_evidence_and_nonsense_topics_find_nobody(
    cast_factory, ask, answer, upvote
):
    cast = cast_factory("public")
    a = answer(ask(cast.community, "Gone soon enough", tags=["gone"]), "Soon deleted.")
    upvote(a, 3)
    discussions.answer_delete(actor=a.author, answer=a)
    assert experts(user=cast.member, topic="gone") == []
    assert experts(user=cast.member, topic="  !!! ") == []
    assert experts(user=None, topic="gone") == []
