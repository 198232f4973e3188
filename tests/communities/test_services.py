import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from practica.communities import policy, services
from practica.communities.models import Membership, MembershipState, Role


def test_community_create_makes_the_creator_its_owner(user_factory):
    ada = user_factory("Ada")
    community = services.community_create(
        creator=ada, name="  Incident   Response ", purpose="Handle incidents better."
    )
    assert community.name == "Incident Response"
    assert community.slug == "incident-response"
    assert policy.role_in(ada, community) == Role.OWNER


def test_community_create_refuses_a_duplicate_name_in_any_case(user_factory, community_factory):
    community_factory(name="Data People")
    with pytest.raises(ValidationError) as exc:
        services.community_create(
            creator=user_factory(), name="data people", slug="other", purpose="x"
        )
    assert "name" in exc.value.message_dict


def test_community_create_refuses_a_secret_community_anyone_could_join(user_factory):
    with pytest.raises(ValidationError) as exc:
        services.community_create(
            creator=user_factory(),
            name="Hidden",
            purpose="x",
            visibility="secret",
            join_policy="open",
        )
    assert "join_policy" in exc.value.message_dict


def test_community_create_rejects_reserved_and_malformed_addresses(user_factory):
    for slug in ("new", "---"):
        with pytest.raises(ValidationError) as exc:
            services.community_create(
                creator=user_factory(), name=f"N {slug}", slug=slug, purpose="x"
            )
        assert "slug" in exc.value.message_dict


def test_joining_an_open_community_makes_an_active_member(cast_factory, user_factory):
    cast = cast_factory("public", "open")
    newcomer = user_factory()
    membership = services.community_join(user=newcomer, community=cast.community)
    assert membership.state == MembershipState.ACTIVE
    assert policy.can(newcomer, "community.contribute", cast.community)


def test_asking_to_join_waits_for_a_facilitator(cast_factory, user_factory):
    cast = cast_factory("private", "request")
    newcomer = user_factory()
    membership = services.community_join(
        user=newcomer, community=cast.community, message="I build the checkout UI"
    )
    assert membership.state == MembershipState.REQUESTED
    assert not policy.can(newcomer, "community.read", cast.community)
    services.membership_approve(actor=cast.facilitator, membership=membership)
    policy.forget_memberships(newcomer)
    assert policy.can(newcomer, "community.read", cast.community)


def test_asking_twice_is_refused_with_a_clear_message(cast_factory, user_factory):
    cast = cast_factory("public", "request")
    newcomer = user_factory()
    services.community_join(user=newcomer, community=cast.community)
    with pytest.raises(ValidationError, match="already asked"):
        services.community_join(user=newcomer, community=cast.community)
    assert Membership.objects.filter(user=newcomer).count() == 1


def test_an_outsider_cannot_join_a_secret_community_or_even_see_it(cast_factory):
    cast = cast_factory("secret")
    with pytest.raises(Http404):
        services.community_join(user=cast.outsider, community=cast.community)


def test_joining_an_invite_only_community_is_refused(cast_factory):
    cast = cast_factory("public", "invite")
    with pytest.raises(PermissionDenied):
        services.community_join(user=cast.outsider, community=cast.community)


def test_the_last_owner_cannot_leave_or_be_demoted(cast_factory):
    cast = cast_factory()
    with pytest.raises(ValidationError, match="needs an owner"):
        services.community_leave(user=cast.owner, community=cast.community)
    membership = Membership.objects.get(community=cast.community, user=cast.owner)
    with pytest.raises(ValidationError, match="needs an owner"):
        services.membership_set_role(actor=cast.owner, membership=membership, role=Role.MEMBER)
    assert Membership.objects.get(pk=membership.pk).role == Role.OWNER


def test_an_owner_can_leave_once_another_owner_exists(cast_factory):
    cast = cast_factory()
    fac = Membership.objects.get(community=cast.community, user=cast.facilitator)
    services.membership_set_role(actor=cast.owner, membership=fac, role=Role.OWNER)
    assert services.community_leave(user=cast.owner, community=cast.community)
    assert policy.role_in(cast.facilitator, cast.community) == Role.OWNER


def test_a_facilitator_cannot_make_owners_or_remove_facilitators(
    cast_factory, user_factory, add_member
):
    cast = cast_factory()
    other_fac = user_factory()
    add_member(cast.community, other_fac, Role.FACILITATOR)
    member = Membership.objects.get(community=cast.community, user=cast.member)
    with pytest.raises(PermissionDenied):
        services.membership_set_role(actor=cast.facilitator, membership=member, role=Role.OWNER)
    target = Membership.objects.get(community=cast.community, user=other_fac)
    with pytest.raises(PermissionDenied):
        services.membership_remove(actor=cast.facilitator, membership=target)
    assert services.membership_remove(actor=cast.facilitator, membership=member)


def test_a_member_cannot_manage_members(cast_factory):
    cast = cast_factory()
    fac = Membership.objects.get(community=cast.community, user=cast.facilitator)
    with pytest.raises(PermissionDenied):
        services.membership_remove(actor=cast.member, membership=fac)


def test_a_link_invitation_works_once(cast_factory, user_factory):
    cast = cast_factory("secret")
    invitation = services.invitation_create(actor=cast.facilitator, community=cast.community)
    token = services.invitation_token(invitation)
    first, second = user_factory(), user_factory()
    services.invitation_accept(user=first, token=token)
    assert policy.role_in(first, cast.community) == Role.MEMBER
    with pytest.raises(ValidationError, match="already been used"):
        services.invitation_accept(user=second, token=token)
    assert policy.role_in(second, cast.community) is None


def test_an_expired_or_revoked_invitation_is_refused(cast_factory, user_factory):
    cast = cast_factory("private", "invite")
    expired = services.invitation_create(actor=cast.owner, community=cast.community, days=1)
    type(expired).objects.filter(pk=expired.pk).update(expires_at="2000-01-01T00:00:00Z")
    with pytest.raises(ValidationError, match="expired"):
        services.invitation_accept(user=user_factory(), token=services.invitation_token(expired))
    revoked = services.invitation_create(actor=cast.owner, community=cast.community)
    services.invitation_revoke(actor=cast.owner, invitation=revoked)
    with pytest.raises(ValidationError, match="withdrawn"):
        services.invitation_accept(user=user_factory(), token=services.invitation_token(revoked))


def test_a_tampered_invitation_link_is_refused(cast_factory, user_factory):
    cast = cast_factory("private", "invite")
    invitation = services.invitation_create(actor=cast.owner, community=cast.community)
    token = services.invitation_token(invitation)
    with pytest.raises(ValidationError, match="not valid"):
        services.invitation_accept(user=user_factory(), token=token[:-2] + "xx")


def test_an_email_invitation_is_sent_and_bound_to_that_address(
    cast_factory, user_factory, mailoutbox, django_capture_on_commit_callbacks
):
    cast = cast_factory("private", "invite")
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(
            actor=cast.owner, community=cast.community, email="New.Person@Example.test"
        )
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["new.person@example.test"]
    token = services.invitation_token(invitation)
    assert token in mailoutbox[0].body
    with pytest.raises(ValidationError, match="sent to"):
        services.invitation_accept(user=user_factory(), token=token)
    invited = user_factory(email="new.person@example.test")
    services.invitation_accept(user=invited, token=token)
    assert policy.role_in(invited, cast.community) == Role.MEMBER


def test_only_owners_invite_facilitators(cast_factory):
    cast = cast_factory()
    with pytest.raises(ValidationError) as exc:
        services.invitation_create(
            actor=cast.facilitator, community=cast.community, role=Role.FACILITATOR
        )
    assert "role" in exc.value.message_dict
    assert services.invitation_create(
        actor=cast.owner, community=cast.community, role=Role.FACILITATOR
    )


def test_community_ids_gives_both_lists_in_one_query(
    cast_factory, community_factory, user_factory, django_assert_num_queries
):
    """Search asks for the communities one may read and those one may know exist at once: the
    same answers as asking each, for members, outsiders, anonymous people and admins."""
    private, secret = cast_factory("private"), cast_factory("secret")
    public = community_factory(owner=user_factory("Pia Public"))
    for user in (private.member, private.outsider, secret.member, secret.outsider, None):
        readable = policy.readable_community_ids(user)
        viewable = policy.viewable_community_ids(user)
        if user is not None:
            with django_assert_num_queries(1):
                both = policy.community_ids(user)
        else:
            both = policy.community_ids(user)
        assert both == (readable, viewable)
    ids_of_member = policy.community_ids(secret.member)
    assert secret.community.pk in ids_of_member[0] and public.pk in ids_of_member[0]
    assert private.community.pk not in ids_of_member[0]
    assert private.community.pk in ids_of_member[1]  # known to exist, content closed
    assert secret.community.pk not in policy.community_ids(secret.outsider)[1]
    assert policy.community_ids(secret.admin) == (None, None)
