"""Many people voting at once: the stored score always equals the sum of the vote rows."""

import pytest

from practica.accounts.models import User
from practica.accounts.services import user_create
from practica.communities.services import membership_add
from practica.discussions import services
from practica.discussions.models import Answer, Vote
from tests.communities.test_concurrency import _race


def _voters(community, owner, n):
    people = []
    for i in range(n):
        person = user_create(email=f"voter{i}@example.test", password=None, name=f"Voter {i}")
        membership_add(actor=owner, community=community, user=person)
        people.append(person.pk)
    return people


def _answer(cast, thread_factory):
    thread = thread_factory(cast.community, author=cast.member)
    return services.answer_create(author=cast.facilitator, thread=thread, body="Drain the node.")


def _vote(user_id, answer_id, value):
    def go():
        answer = Answer.objects.select_related("thread__community").get(pk=answer_id)
        services.vote_set(user=User.objects.get(pk=user_id), target=answer, value=value)

    return go


@pytest.mark.django_db(transaction=True)
def test_fifty_people_upvoting_one_answer_at_once_count_fifty(cast_factory, thread_factory):
    cast = cast_factory()
    answer = _answer(cast, thread_factory)
    voters = _voters(cast.community, cast.owner, 50)
    errors = _race([_vote(uid, answer.pk, 1) for uid in voters])
    assert errors == [None] * 50
    answer.refresh_from_db()
    assert answer.score == 50 == Vote.objects.filter(answer=answer).count()


@pytest.mark.django_db(transaction=True)
def test_twenty_mixed_votes_at_once_leave_the_score_equal_to_their_sum(
    cast_factory, thread_factory
):
    cast = cast_factory()
    answer = _answer(cast, thread_factory)
    voters = _voters(cast.community, cast.owner, 20)
    values = [1 if i % 3 else -1 for i in range(20)]  # 13 up, 7 down
    errors = _race([_vote(uid, answer.pk, v) for uid, v in zip(voters, values, strict=True)])
    assert errors == [None] * 20
    answer.refresh_from_db()
    assert answer.score == sum(values) == 6
    stored = Vote.objects.filter(answer=answer).values_list("value", flat=True)
    assert sorted(stored) == sorted(values)


@pytest.mark.django_db(transaction=True)
def test_one_person_flipping_their_vote_twice_at_once_keeps_one_vote(cast_factory, thread_factory):
    cast = cast_factory()
    answer = _answer(cast, thread_factory)
    for _ in range(5):  # several rounds: the race goes either way
        errors = _race([_vote(cast.owner.pk, answer.pk, 1), _vote(cast.owner.pk, answer.pk, -1)])
        assert errors == [None, None]
        [vote] = Vote.objects.filter(answer=answer)
        answer.refresh_from_db()
        assert answer.score == vote.value
        Vote.objects.filter(answer=answer).delete()
        Answer.objects.filter(pk=answer.pk).update(score=0)
