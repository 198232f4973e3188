"""Many people upvoting at once, and a merge racing the votes: the stored count always equals the
number of vote rows, and nobody is counted twice."""

import pytest

from practica.accounts.models import User
from practica.accounts.services import user_create
from practica.communities.services import membership_add
from practica.live import services
from practica.live.models import LiveQuestion, LiveVote
from tests.communities.test_concurrency import _race


def _voters(community, owner, n):
    people = []
    for i in range(n):
        person = user_create(email=f"live-voter{i}@example.test", password=None, name=f"V {i}")
        membership_add(actor=owner, community=community, user=person)
        people.append(person.pk)
    return people


def _upvote(user_id, question_id, again=False):
    def go():
        q = LiveQuestion.objects.select_related("session__community").get(pk=question_id)
        user = User.objects.get(pk=user_id)
        services.live_question_upvote(user=user, question=q)
        if again:
            services.live_question_upvote(user=user, question=q)

    return go


@pytest.mark.django_db(transaction=True)
def test_fifty_people_upvoting_at_once_count_fifty(live_cast, session_factory):
    cast = live_cast()
    session = session_factory(cast.community, cast.facilitator)
    q = services.live_question_submit(author=cast.participant, session=session, body="Race?")
    voters = _voters(cast.community, cast.owner, 50)
    errors = _race([_upvote(uid, q.pk, again=i % 7 == 0) for i, uid in enumerate(voters)])
    assert errors == [None] * 50
    q.refresh_from_db()
    assert q.votes == 50 == LiveVote.objects.filter(question=q).count()


@pytest.mark.django_db(transaction=True)
def test_a_merge_racing_upvotes_counts_each_person_once(live_cast, session_factory):
    cast = live_cast()
    session = session_factory(cast.community, cast.facilitator, moderators=[cast.member])
    target = services.live_question_submit(author=cast.participant, session=session, body="A?")
    dupe = services.live_question_submit(author=cast.owner, session=session, body="A again?")
    voters = _voters(cast.community, cast.owner, 20)

    def merge():
        t = LiveQuestion.objects.select_related("session__community").get(pk=target.pk)
        d = LiveQuestion.objects.select_related("session__community").get(pk=dupe.pk)
        services.live_questions_merge(
            actor=User.objects.get(pk=cast.member.pk), target=t, sources=[d]
        )

    jobs = [_upvote(uid, target.pk if i % 2 else dupe.pk) for i, uid in enumerate(voters)]
    errors = _race([*jobs[:10], merge, *jobs[10:]])
    # An upvote that reached the duplicate after the merge is refused; every other one counts.
    assert all(e is None or "no longer in the queue" in str(e) for e in errors)
    target.refresh_from_db()
    rows = LiveVote.objects.filter(question=target)
    assert target.votes == rows.count()
    assert rows.values("user").distinct().count() == rows.count()
    assert not LiveVote.objects.filter(question=dupe).exists()
