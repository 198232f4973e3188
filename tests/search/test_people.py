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


def test_hosting_live_sessions_on_the_topic_counts_within_what_the_searcher_may_read(
    cast_factory, user_factory, add_member
):
    from datetime import timedelta

    from django.utils import timezone

    from practica.live import services as live

    def host(cast, title):
        starts = timezone.now() + timedelta(days=1)
        return live.live_session_schedule(
            actor=cast.facilitator,
            community=cast.community,
            title=title,
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
        )

    public, private = cast_factory("public"), cast_factory("private", "request")
    host(public, "Incident review clinic")  # the tag `incident-review`, spaced in a title
    host(public, "Ask me anything about Kubernetes")  # another topic
    host(private, "Incident review, the secret edition")
    found = experts(user=public.member, topic="incident-review")
    assert [(e.user, e.hosted, e.score) for e in found] == [(public.facilitator, 1, 2)]
    assert found[0].reasons == ["hosted 1 live session on `incident-review`"]
    outsider = user_factory("Out Sider")
    add_member(public.community, outsider)
    assert private.facilitator not in [
        e.user for e in experts(user=outsider, topic="incident-review")
    ]
    assert [e.hosted for e in experts(user=private.member, topic="incident-review")] == [1, 1]


def test_several_topics_rank_together_and_the_excluded_are_left_out(
    cast_factory, ask, answer, upvote, user_factory, add_member
):
    cast = cast_factory("public")
    ana, ben, cy = user_factory("Ana"), user_factory("Ben"), user_factory("Cy Claims")
    for person in (ana, ben, cy):
        add_member(cast.community, person)
    user_profile_update(user=cy, name=cy.name, expertise=["helm", "kubernetes", "terraform"])
    upvote(answer(ask(cast.community, "Helm charts", tags=["helm"]), "Chart it.", author=ana), 30)
    b = answer(ask(cast.community, "Kubernetes probes", tags=["kubernetes"]), "Ready.", author=ben)
    discussions.answer_accept(actor=cast.owner, answer=b)
    found = experts(user=cast.member, topic=["Helm", "kubernetes", "helm"])
    # Upvotes count at most ten per answer; each claimed tag of the topic counts.
    assert [(e.user, e.score) for e in found] == [(ana, 10), (cy, 4), (ben, 3)]
    assert found[1].reasons == ["lists `helm`, `kubernetes` as expertise"]
    assert found[2].reasons == ["1 accepted answer on `helm`, `kubernetes`"]
    assert [e.user for e in experts(user=cast.member, topic="helm", exclude={ana.pk})] == [cy]
