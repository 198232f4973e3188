import re
from urllib.parse import quote

import pytest
from django.urls import reverse

from practica.communities import services
from practica.communities.models import Community, Membership, MembershipState, Role
from tests.conftest import client_for


def test_directory_lists_public_and_private_but_hides_secret_communities(
    cast_factory, user_factory
):
    public, private, secret = (
        cast_factory("public"),
        cast_factory("private"),
        cast_factory("secret"),
    )
    response = client_for(user_factory()).get("/communities/")
    assert response.status_code == 200
    names = [c.name for c in response.context["page"].items]
    assert public.community.name in names
    assert private.community.name in names
    assert secret.community.name not in names
    assert secret.community.name not in response.content.decode()


def test_directory_shows_a_secret_community_to_its_members(cast_factory):
    secret = cast_factory("secret")
    response = client_for(secret.member).get("/communities/?mine=1")
    assert [c.name for c in response.context["page"].items] == [secret.community.name]


def test_directory_filters_by_text_and_returns_a_fragment_to_htmx(community_factory, user_factory):
    community_factory(name="Kubernetes Operators")
    community_factory(name="Design Crit")
    client = client_for(user_factory())
    response = client.get("/communities/?q=kube", headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "Kubernetes Operators" in body
    assert "Design Crit" not in body
    assert "<html" not in body  # only the results fragment
    assert 'id="results"' in body


def test_directory_pages_with_a_cursor(community_factory, user_factory):
    for i in range(25):
        community_factory(name=f"Group {i:02d}")
    client = client_for(user_factory())
    first = client.get("/communities/")
    assert len(first.context["page"].items) == 20
    cursor = first.context["page"].next_cursor
    second = client.get(f"/communities/?cursor={cursor}")
    assert [c.name for c in second.context["page"].items] == [f"Group {i}" for i in range(20, 25)]
    assert second.context["page"].next_cursor is None


def test_a_malformed_cursor_is_a_clear_400(user_factory):
    response = client_for(user_factory()).get("/communities/?cursor=%%%nonsense")
    assert response.status_code == 400
    assert "not valid" in response.content.decode()


def test_directory_query_count_does_not_grow_with_communities(
    community_factory, user_factory, django_assert_max_num_queries
):
    viewer = user_factory()
    client = client_for(viewer)
    community_factory()
    client.get("/communities/")  # warm the session
    with django_assert_max_num_queries(12) as few:
        client.get("/communities/")
    for _ in range(15):
        community_factory()
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/communities/")


def test_community_page_query_count_does_not_grow_with_members(
    cast_factory, user_factory, add_member, django_assert_max_num_queries
):
    cast = cast_factory()
    client = client_for(cast.owner)
    client.get(cast.community.get_absolute_url())
    with django_assert_max_num_queries(20) as few:
        client.get(cast.community.get_absolute_url())
    for _ in range(20):
        add_member(cast.community, user_factory())
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(cast.community.get_absolute_url())
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("communities:members", args=[cast.community.slug]))


def test_creating_a_community_through_the_form(user_factory):
    client = client_for(user_factory("Ada"))
    response = client.post(
        "/communities/new/",
        {
            "name": "Platform Guild",
            "slug": "",
            "purpose": "Run the platform well.",
            "description": "**Welcome**",
            "visibility": "private",
            "join_policy": "request",
        },
    )
    community = Community.objects.get(slug="platform-guild")
    assert response.status_code == 302
    assert response.url == community.get_absolute_url()
    page = client.get(response.url).content.decode()
    assert "<strong>Welcome</strong>" in page
    assert "You are an owner" in page


def test_the_create_form_shows_field_errors_and_creates_nothing(user_factory, community_factory):
    community_factory(name="Taken")
    client = client_for(user_factory())
    response = client.post(
        "/communities/new/",
        {
            "name": "taken",
            "purpose": "",
            "visibility": "secret",
            "join_policy": "open",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "A community with this name already exists." in body
    assert "Say in a sentence why this community exists." in body
    assert "join it only by invitation" in body
    assert Community.objects.count() == 1


def test_description_markdown_is_sanitised_on_the_page(user_factory):
    owner = user_factory()
    community = services.community_create(
        creator=owner,
        name="Safe",
        purpose="x",
        description="<script>alert(1)</script>\n\n[click](javascript:alert(1)) [ok](https://a.example)",
    )
    body = client_for(owner).get(community.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert 'href="javascript:' not in body
    assert 'rel="nofollow ugc noopener"' in body


def test_asking_to_join_then_being_approved_through_the_pages(cast_factory, user_factory):
    cast = cast_factory("private", "request")
    newcomer = user_factory("Nia Newcomer")
    newcomer_client = client_for(newcomer)
    response = newcomer_client.post(
        f"/c/{cast.community.slug}/join/", {"message": "Hello!"}, follow=True
    )
    assert "Your request is with the facilitators" in response.content.decode()
    assert newcomer_client.get(f"/c/{cast.community.slug}/members/").status_code == 404

    facilitator = client_for(cast.facilitator)
    members_page = facilitator.get(f"/c/{cast.community.slug}/members/").content.decode()
    assert "Nia Newcomer" in members_page and "Hello!" in members_page
    response = facilitator.post(
        f"/c/{cast.community.slug}/members/{newcomer.pk}/approve/", {"next": "members"}, follow=True
    )
    assert "Nia Newcomer is now a member." in response.content.decode()
    assert newcomer_client.get(f"/c/{cast.community.slug}/members/").status_code == 200


def test_declining_a_request_removes_it(cast_factory, user_factory):
    cast = cast_factory("public", "request")
    newcomer = user_factory()
    services.community_join(user=newcomer, community=cast.community)
    client_for(cast.owner).post(f"/c/{cast.community.slug}/members/{newcomer.pk}/decline/")
    assert not Membership.objects.filter(user=newcomer).exists()


def test_changing_a_role_through_the_members_page(cast_factory):
    cast = cast_factory()
    client_for(cast.owner).post(
        f"/c/{cast.community.slug}/members/{cast.member.pk}/role/", {"role": "facilitator"}
    )
    assert Membership.objects.get(user=cast.member).role == Role.FACILITATOR


def test_an_invalid_role_is_refused_with_a_message(cast_factory):
    cast = cast_factory()
    response = client_for(cast.owner).post(
        f"/c/{cast.community.slug}/members/{cast.member.pk}/role/", {"role": "king"}, follow=True
    )
    assert "Choose member, facilitator or owner." in response.content.decode()
    assert Membership.objects.get(user=cast.member).role == Role.MEMBER


def test_the_last_owner_leaving_gets_an_explanation(cast_factory):
    cast = cast_factory()
    response = client_for(cast.owner).post(f"/c/{cast.community.slug}/leave/", follow=True)
    assert "make someone else an owner first" in response.content.decode()
    assert Membership.objects.filter(user=cast.owner, role=Role.OWNER).exists()


def test_the_manage_page_edits_the_community(cast_factory):
    cast = cast_factory()
    client = client_for(cast.facilitator)
    response = client.post(
        f"/c/{cast.community.slug}/manage/",
        {
            "name": "Renamed",
            "slug": "renamed",
            "purpose": "New purpose",
            "description": "",
            "visibility": "private",
            "join_policy": "request",
        },
    )
    assert response.status_code == 302
    assert response.url == "/c/renamed/manage/"
    cast.community.refresh_from_db()
    assert (cast.community.name, cast.community.visibility) == ("Renamed", "private")


def test_an_invitation_link_made_on_the_manage_page_lets_someone_join(cast_factory, user_factory):
    cast = cast_factory("secret")
    owner = client_for(cast.owner)
    owner.post(f"/c/{cast.community.slug}/invitations/", {"email": "", "role": "member", "days": 7})
    manage = owner.get(f"/c/{cast.community.slug}/manage/")
    ((_invitation, token),) = manage.context["invitations"]
    assert token in manage.content.decode()

    guest = user_factory("Gil Guest")
    guest_client = client_for(guest)
    landing = guest_client.get(f"/invite/{token}/")
    assert cast.community.name in landing.content.decode()
    response = guest_client.post(f"/invite/{token}/")
    assert response.status_code == 302
    assert Membership.objects.get(user=guest).state == MembershipState.ACTIVE
    again = client_for(user_factory()).post(f"/invite/{token}/")
    assert again.status_code == 410
    assert "already been used" in again.content.decode()


def test_a_bad_invitation_link_says_so(user_factory):
    response = client_for(user_factory()).get("/invite/not-a-token/")
    assert response.status_code == 404
    assert "This invitation link is not valid." in response.content.decode()


def test_an_anonymous_visitor_sees_the_invitation_and_sign_in_links(cast_factory):
    cast = cast_factory("secret")
    invitation = services.invitation_create(actor=cast.owner, community=cast.community)
    token = services.invitation_token(invitation)
    body = client_for(None).get(f"/invite/{token}/").content.decode()
    assert cast.community.name in body
    assert f"/accounts/login/?next={quote(f'/invite/{token}/')}" in body


@pytest.mark.parametrize("path", ["/c/nope/", "/c/nope/members/", "/c/nope/manage/"])
def test_a_missing_community_is_a_friendly_404(user_factory, path):
    response = client_for(user_factory()).get(path)
    assert response.status_code == 404
    assert "We couldn't find that page" in response.content.decode()


def test_a_secret_community_is_indistinguishable_from_a_missing_one(cast_factory):
    cast = cast_factory("secret")
    client = client_for(cast.outsider)
    hidden = client.get(cast.community.get_absolute_url())
    missing = client.get("/c/does-not-exist/")
    assert hidden.status_code == missing.status_code == 404

    def without_csrf(body: bytes) -> str:
        return re.sub(r"[A-Za-z0-9]{64}", "<csrf>", body.decode())

    assert without_csrf(hidden.content) == without_csrf(missing.content)


def test_home_lists_my_communities_and_pending_requests(cast_factory, user_factory):
    mine = cast_factory()
    waiting = cast_factory("private", "request")
    services.community_join(user=mine.outsider, community=waiting.community)
    body = client_for(mine.member).get("/").content.decode()
    assert mine.community.name in body
    body = client_for(mine.outsider).get("/").content.decode()
    assert "Waiting for approval" in body and waiting.community.name in body


def test_the_landing_page_invites_a_visitor_to_sign_up(db):
    body = client_for(None).get("/").content.decode()
    assert "Create your account" in body
