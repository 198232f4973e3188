import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from PIL import Image

from practica.accounts import services
from practica.accounts.models import ApiToken, User
from tests.conftest import client_for


def _png(size=(800, 600), fmt="PNG") -> io.BytesIO:
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(buf, format=fmt)
    buf.seek(0)
    buf.name = f"picture.{fmt.lower()}"
    return buf


def test_sign_up_verify_and_land_signed_in(db, mailoutbox):
    client = Client()
    response = client.post(
        "/accounts/signup/",
        {
            "name": "Sam Signup",
            "email": "Sam@Example.test",
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
        },
    )
    assert response.status_code == 302
    assert response.url == "/accounts/confirm-email/"
    user = User.objects.get(email="sam@example.test")
    assert (user.name, user.handle) == ("Sam Signup", "sam-signup")
    assert user.password.startswith("md5$")  # the test hasher; production uses Argon2
    assert client.get("/communities/").status_code == 302  # not signed in until verified
    link = re.search(r"http://testserver(/accounts/confirm-email/[^\s]+)", mailoutbox[0].body)
    confirm = client.post(link.group(1))
    assert confirm.status_code == 302
    assert client.get("/communities/").status_code == 200


def test_sign_up_with_an_email_in_use_reveals_nothing_and_warns_the_owner(user_factory, mailoutbox):
    user_factory(email="taken@example.test")
    response = Client().post(
        "/accounts/signup/",
        {
            "name": "Other",
            "email": "TAKEN@example.test",
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
        },
    )
    # The same answer as a real sign-up, so nobody can probe which addresses have accounts.
    assert response.status_code == 302
    assert response.url == "/accounts/confirm-email/"
    assert User.objects.filter(email__iexact="taken@example.test").count() == 1
    assert mailoutbox[-1].to == ["taken@example.test"]
    assert "already" in mailoutbox[-1].body


def test_production_hashes_passwords_with_argon2():
    from django.conf import settings

    from practica.config import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert settings.AUTH_USER_MODEL == "accounts.User"


def test_log_in_changes_the_session_id(user_factory):
    user_factory(email="kim@example.test", password="a-long-enough-passphrase")
    client = Client()
    client.get("/accounts/login/")
    before = client.cookies.get("sessionid")
    client.post(
        "/accounts/login/", {"login": "kim@example.test", "password": "a-long-enough-passphrase"}
    )
    after = client.cookies["sessionid"].value
    assert after and (before is None or before.value != after)


def test_repeated_failed_log_ins_are_rate_limited(user_factory):
    user_factory(email="lee@example.test", password="a-long-enough-passphrase")
    client = Client()
    statuses = [
        client.post(
            "/accounts/login/", {"login": "lee@example.test", "password": "wrong"}
        ).status_code
        for _ in range(7)
    ]
    assert statuses[0] == 200
    assert statuses[-1] == 429
    assert (
        "Too many failed login attempts"
        in client.post(
            "/accounts/login/", {"login": "lee@example.test", "password": "wrong"}
        ).content.decode()
    )
    response = client.post(
        "/accounts/login/", {"login": "lee@example.test", "password": "a-long-enough-passphrase"}
    )
    assert response.status_code == 429


def test_profile_edit_saves_everything_and_normalises_expertise(user_factory):
    boss = user_factory("Bea Boss")
    user = user_factory("Al")
    response = client_for(user).post(
        "/settings/profile/",
        {
            "name": "Al Green",
            "handle": "al",
            "team": "Platform",
            "manager": boss.pk,
            "location": "Leeds",
            "bio": "Hi",
            "expertise": " Kubernetes, #incident review, KUBERNETES",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.name, user.handle, user.team, user.manager) == ("Al Green", "al", "Platform", boss)
    assert sorted(t.name for t in user.expertise.all()) == ["incident-review", "kubernetes"]
    page = client_for(boss).get("/people/al/").content.decode()
    assert "Al Green" in page and "kubernetes" in page and "Bea Boss" in page


def test_a_manager_cycle_is_refused(user_factory):
    a, b = user_factory("A"), user_factory("B")
    services.user_profile_update(user=b, name="B", manager=a)
    with pytest.raises(ValidationError) as exc:
        services.user_profile_update(user=a, name="A", manager=b)
    assert "manager" in exc.value.message_dict
    a.refresh_from_db()
    assert a.manager is None


def test_a_taken_handle_is_refused(user_factory):
    user_factory("Zed")
    other = user_factory("Other")
    response = client_for(other).post("/settings/profile/", {"name": "Other", "handle": "zed"})
    assert response.status_code == 400
    assert "Someone already has this handle." in response.content.decode()


def test_an_avatar_is_reencoded_and_shrunk(user_factory, settings):
    user = user_factory()
    client_for(user).post(
        "/settings/profile/", {"name": "Pic", "handle": user.handle, "avatar": _png((2000, 1000))}
    )
    user.refresh_from_db()
    assert user.avatar.name.endswith(".webp")
    with Image.open(user.avatar.path) as stored:
        assert stored.format == "WEBP"
        assert max(stored.size) == 512
    served = client_for(user).get(user.avatar.url)
    assert served.status_code == 200
    assert "sandbox" in served.headers["Content-Security-Policy"]


def test_a_file_that_is_not_an_image_is_refused(user_factory):
    user = user_factory()
    fake = io.BytesIO(b"<svg onload=alert(1)></svg>")
    fake.name = "evil.png"
    response = client_for(user).post(
        "/settings/profile/", {"name": "X", "handle": user.handle, "avatar": fake}
    )
    assert response.status_code == 400
    user.refresh_from_db()
    assert not user.avatar
    assert user.name != "X"


def test_an_image_over_the_size_limit_is_refused(user_factory, settings):
    settings.MEDIA_MAX_UPLOAD_BYTES = 1000
    user = user_factory()
    with pytest.raises(ValidationError, match="largest accepted"):
        services.user_profile_update(user=user, name="Y", avatar=_uploaded(_png()))


def _uploaded(buf: io.BytesIO):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(buf.name, buf.getvalue(), content_type="image/png")


def test_a_token_is_shown_once_stored_hashed_and_can_be_revoked(user_factory):
    user = user_factory()
    client = client_for(user)
    page = client.post("/settings/tokens/", {"name": "CI script"}).content.decode()
    secret = re.search(r'value="(pra_[^"]+)"', page).group(1)
    token = ApiToken.objects.get(user=user)
    assert secret not in (token.key_hash, token.prefix)
    assert secret not in client.get("/settings/tokens/").content.decode()
    api = Client()
    assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    client.post(f"/settings/tokens/{token.pk}/revoke/")
    assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_someone_else_cannot_revoke_my_token(user_factory):
    mine, theirs = user_factory(), user_factory()
    token, _ = services.token_create(user=mine, name="mine")
    client_for(theirs).post(f"/settings/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_token_needs_a_name(user_factory):
    with pytest.raises(ValidationError):
        services.token_create(user=user_factory(), name="  ")


def test_handles_stay_unique_for_people_with_the_same_name(user_factory):
    first, second = user_factory("Jo Smith"), user_factory("Jo Smith")
    assert first.handle == "jo-smith"
    assert second.handle == "jo-smith-2"


def test_profile_shows_only_communities_the_viewer_may_see(cast_factory):
    secret = cast_factory("secret")
    page = client_for(secret.outsider).get(f"/people/{secret.member.handle}/").content.decode()
    assert secret.community.name not in page
    page = client_for(secret.owner).get(f"/people/{secret.member.handle}/").content.decode()
    assert secret.community.name in page
