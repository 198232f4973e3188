"""Concurrent writes lose nothing and duplicate nothing: real threads, real transactions."""

import threading

import pytest
from django.db import connection

from practica.communities import services
from practica.communities.models import Invitation, Membership, MembershipState


def _race(workers: list) -> list:
    """Start every callable at the same moment in its own thread; return what each one raised."""
    barrier = threading.Barrier(len(workers))
    errors: list = [None] * len(workers)

    def run(i, fn):
        try:
            barrier.wait()
            fn()
        except Exception as exc:  # collected and asserted on by the test
            errors[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return errors


@pytest.mark.django_db(transaction=True)
def test_one_invitation_link_used_at_once_by_many_admits_exactly_one(cast_factory, user_factory):
    cast = cast_factory("secret")
    invitation = services.invitation_create(actor=cast.owner, community=cast.community)
    token = services.invitation_token(invitation)
    guests = [user_factory() for _ in range(6)]
    errors = _race([lambda g=g: services.invitation_accept(user=g, token=token) for g in guests])
    admitted = Membership.objects.filter(user__in=guests, state=MembershipState.ACTIVE).count()
    assert admitted == 1
    assert sum(e is None for e in errors) == 1
    assert all("already been used" in str(e) for e in errors if e is not None), errors
    assert Invitation.objects.get(pk=invitation.pk).used_at is not None


@pytest.mark.django_db(transaction=True)
def test_joining_twice_at_once_makes_one_membership(cast_factory, user_factory):
    cast = cast_factory("public", "open")
    newcomer = user_factory()
    from practica.accounts.models import User

    def join():
        services.community_join(user=User.objects.get(pk=newcomer.pk), community=cast.community)

    errors = _race([join for _ in range(5)])
    assert Membership.objects.filter(user=newcomer, community=cast.community).count() == 1
    assert all(e is None or "already a member" in str(e) for e in errors)


@pytest.mark.django_db(transaction=True)
def test_two_owners_demoting_each_other_at_once_leave_one_owner(cast_factory):
    cast = cast_factory()
    fac = Membership.objects.get(community=cast.community, user=cast.facilitator)
    services.membership_set_role(actor=cast.owner, membership=fac, role="owner")
    from practica.accounts.models import User

    def demote(actor_id, target_id):
        def go():
            actor = User.objects.get(pk=actor_id)
            target = Membership.objects.get(community=cast.community, user_id=target_id)
            services.membership_set_role(actor=actor, membership=target, role="member")

        return go

    _race([demote(cast.owner.pk, cast.facilitator.pk), demote(cast.facilitator.pk, cast.owner.pk)])
    owners = Membership.objects.filter(community=cast.community, role="owner").count()
    assert owners >= 1
