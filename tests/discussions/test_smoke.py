from practica.discussions import selectors, services


def test_the_core_loop_works(cast_factory, thread_factory):
    cast = cast_factory()
    thread = thread_factory(cast.community, author=cast.member, tags=["Kubernetes", "k8s"])
    answer = services.answer_create(author=cast.facilitator, thread=thread, body="Use @olive-owner")
    assert services.vote_set(user=cast.owner, target=answer, value=1) == 1
    assert services.vote_set(user=cast.owner, target=answer, value=-1) == -1
    assert services.vote_clear(user=cast.owner, target=answer) == 0
    services.answer_accept(actor=cast.member, answer=answer)
    services.comment_create(author=cast.owner, thread=thread, body="Nice", answer=answer)
    services.thread_update(actor=cast.member, thread=thread, body="Edited body", reason="typo")
    page = selectors.thread_page(user=cast.member, thread=thread)
    assert page.answers[0].pk == answer.pk
    assert len(selectors.revisions(user=cast.member, thread=thread)) == 2
    second = thread_factory(cast.community, author=cast.owner, tags=["kubernetes"])
    experts = selectors.experts_for(user=cast.owner, thread=second)
    assert [e.user for e in experts] == [cast.facilitator]
    assert experts[0].reasons == ["1 accepted answer on `kubernetes`"]
    assert selectors.reputation(user=cast.facilitator, community=cast.community) == 15
    lst = selectors.thread_list(user=cast.member, community=cast.community, status="solved")
    assert [t.pk for t in lst.items] == [thread.pk]
