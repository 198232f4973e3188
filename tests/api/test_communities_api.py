"""The communities API, called the way an integrator would: with a personal access token."""

from practica.communities.models import Community, Membership, MembershipState, Role


def test_me_describes_the_caller_with_id_and_url(api_for, cast_factory):
    cast = cast_factory()
    body = api_for(cast.member).get("/me").json()
    assert body["id"] == cast.member.pk
    assert body["url"] == f"http://testserver/people/{cast.member.handle}/"
    assert body["communities"][0]["slug"] == cast.community.slug
    assert body["communities"][0]["role"] == "member"


def test_without_credentials_the_api_answers_401_in_json(db, api_for):
    response = api_for(None).get("/me")
    assert response.status_code == 401
    assert "Bearer" in response.json()["message"]


def test_a_revoked_or_made_up_token_is_refused(db, user_factory):
    from django.test import Client

    from practica.accounts.services import token_create, token_revoke

    user = user_factory()
    token, secret = token_create(user=user, name="script")
    token_revoke(user=user, token_id=token.pk)
    client = Client()
    for bearer in (secret, "pra_madeup"):
        response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {bearer}"})
        assert response.status_code == 401


def test_session_auth_needs_the_csrf_header_for_writes(user_factory):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(user_factory())
    assert client.get("/api/v1/me").status_code == 200
    response = client.post(
        "/api/v1/communities", data={"name": "X", "purpose": "y"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["message"]
    assert not Community.objects.exists()


def test_create_then_read_a_community(api_for, user_factory):
    api = api_for(user_factory())
    response = api.post(
        "/communities",
        {
            "name": "Data Folk",
            "purpose": "SQL and stats.",
            "description": "# Hi",
            "visibility": "private",
            "join_policy": "request",
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert body["slug"] == "data-folk"
    assert body["url"] == "http://testserver/c/data-folk/"
    assert body["my_role"] == "owner"
    assert body["member_count"] == 1
    assert body["description_html"] == "<h1>Hi</h1>\n"
    assert api.get("/communities/data-folk").json()["id"] == body["id"]


def test_invalid_input_names_the_field_and_changes_nothing(api_for, user_factory):
    api = api_for(user_factory())
    response = api.post("/communities", {"name": "X", "purpose": "y", "visibility": "hidden"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "visibility"
    response = api.post(
        "/communities", {"name": "X", "purpose": " ", "visibility": "secret", "join_policy": "open"}
    )
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"purpose", "join_policy"}
    assert not Community.objects.exists()


def test_list_is_paginated_with_a_cursor(api_for, community_factory, user_factory):
    for i in range(5):
        community_factory(name=f"C{i}")
    api = api_for(user_factory())
    first = api.get("/communities", limit=2).json()
    assert [c["name"] for c in first["items"]] == ["C0", "C1"]
    second = api.get("/communities", limit=2, cursor=first["next_cursor"]).json()
    assert [c["name"] for c in second["items"]] == ["C2", "C3"]
    assert api.get("/communities", cursor="garbage!").status_code == 400
    assert api.get("/communities", limit=1000).status_code == 422


def test_private_community_hides_members_and_count_from_outsiders(api_for, cast_factory):
    cast = cast_factory("private", "request")
    outsider = api_for(cast.outsider)
    body = outsider.get(f"/communities/{cast.community.slug}").json()
    assert body["member_count"] is None
    assert outsider.get(f"/communities/{cast.community.slug}/members").status_code == 404
    assert (
        api_for(cast.member).get(f"/communities/{cast.community.slug}").json()["member_count"] == 3
    )


def test_a_secret_community_is_a_404_to_outsiders(api_for, cast_factory):
    cast = cast_factory("secret")
    outsider = api_for(cast.outsider)
    hidden = outsider.get(f"/communities/{cast.community.slug}")
    missing = outsider.get("/communities/no-such-thing")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    listed = outsider.get("/communities").json()["items"]
    assert cast.community.slug not in [c["slug"] for c in listed]


def test_request_approve_and_list_through_the_api(api_for, cast_factory, user_factory):
    cast = cast_factory("private", "request")
    newcomer = user_factory("Nico")
    joined = (
        api_for(newcomer)
        .post(f"/communities/{cast.community.slug}/join", {"message": "I'd like to learn"})
        .json()
    )
    assert joined["state"] == "requested"
    owner = api_for(cast.owner)
    requests = owner.get(f"/communities/{cast.community.slug}/requests").json()
    assert [r["id"] for r in requests] == [newcomer.pk]
    approved = owner.patch(
        f"/communities/{cast.community.slug}/members/{newcomer.pk}", {"state": "active"}
    )
    assert approved.status_code == 200
    assert approved.json()["state"] == "active"
    members = owner.get(f"/communities/{cast.community.slug}/members").json()["items"]
    assert "Nico" in [m["name"] for m in members]


def test_role_change_and_removal(api_for, cast_factory):
    cast = cast_factory()
    owner = api_for(cast.owner)
    path = f"/communities/{cast.community.slug}/members/{cast.member.pk}"
    assert owner.patch(path, {"role": "facilitator"}).json()["role"] == "facilitator"
    assert owner.delete(path).status_code == 204
    assert not Membership.objects.filter(user=cast.member).exists()


def test_the_last_owner_cannot_be_demoted_through_the_api(api_for, cast_factory):
    cast = cast_factory()
    response = api_for(cast.owner).patch(
        f"/communities/{cast.community.slug}/members/{cast.owner.pk}", {"role": "member"}
    )
    assert response.status_code == 422
    assert "owner" in response.json()["message"]
    assert Membership.objects.get(user=cast.owner).role == Role.OWNER


def test_a_member_may_not_patch_the_community(api_for, cast_factory):
    cast = cast_factory()
    response = api_for(cast.member).patch(
        f"/communities/{cast.community.slug}", {"name": "Mine now"}
    )
    assert response.status_code == 403
    cast.community.refresh_from_db()
    assert cast.community.name != "Mine now"


def test_patch_changes_only_the_fields_sent(api_for, cast_factory):
    cast = cast_factory()
    purpose = cast.community.purpose
    body = (
        api_for(cast.facilitator)
        .patch(f"/communities/{cast.community.slug}", {"name": "Better Name"})
        .json()
    )
    assert body["name"] == "Better Name"
    assert body["purpose"] == purpose


def test_leave_through_the_api(api_for, cast_factory):
    cast = cast_factory()
    assert api_for(cast.member).post(f"/communities/{cast.community.slug}/leave").status_code == 204
    assert not Membership.objects.filter(user=cast.member).exists()


def test_invitation_link_from_the_api_lets_someone_join(api_for, cast_factory, user_factory):
    cast = cast_factory("secret")
    response = api_for(cast.owner).post(
        f"/communities/{cast.community.slug}/invitations", {"days": 3}
    )
    assert response.status_code == 201
    body = response.json()
    assert body["url"].startswith("http://testserver/invite/")
    guest = user_factory()
    from tests.conftest import client_for

    client_for(guest).post(body["url"].removeprefix("http://testserver"))
    assert Membership.objects.get(user=guest).state == MembershipState.ACTIVE


def test_invitation_with_a_bad_email_is_refused(api_for, cast_factory):
    cast = cast_factory()
    response = api_for(cast.owner).post(
        f"/communities/{cast.community.slug}/invitations", {"email": "not-an-email"}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "email"


def test_openapi_schema_documents_every_operation_and_is_served_without_a_cdn(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    for path, method in [
        ("/api/v1/me", "get"),
        ("/api/v1/communities", "get"),
        ("/api/v1/communities", "post"),
        ("/api/v1/communities/{slug}", "get"),
        ("/api/v1/communities/{slug}", "patch"),
        ("/api/v1/communities/{slug}/members", "get"),
        ("/api/v1/communities/{slug}/join", "post"),
        ("/api/v1/communities/{slug}/leave", "post"),
        ("/api/v1/communities/{slug}/members/{user_id}", "patch"),
        ("/api/v1/communities/{slug}/members/{user_id}", "delete"),
        ("/api/v1/communities/{slug}/invitations", "post"),
    ]:
        assert method in paths[path], (path, method)
    docs = client.get("/api/v1/docs").content.decode()
    assert "cdn" not in docs.lower()
    assert "/static/ninja/swagger-ui-bundle.js" in docs
