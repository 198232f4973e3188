"""Images in posts: uploaded by members, re-encoded, served only to people signed in."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from PIL import Image

from practica.discussions import services
from practica.discussions.models import Upload
from tests.conftest import client_for


def _png(size=(2400, 1200)) -> bytes:
    buf = io.BytesIO()
    image = Image.new("RGB", size, (30, 90, 200))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # camera make: must not survive
    image.save(buf, format="JPEG", exif=exif)
    return buf.getvalue()


def _file(data: bytes, name: str = "diagram.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def test_a_member_uploads_an_image_reencoded_shrunk_and_stripped(cast_factory):
    cast = cast_factory()
    upload = services.image_upload(user=cast.member, community=cast.community, image=_file(_png()))
    assert upload.image.name.startswith("posts/post-") and upload.image.name.endswith(".webp")
    with Image.open(upload.image.path) as stored:
        assert stored.format == "WEBP"
        assert max(stored.size) == 1600
        assert not stored.getexif()
    assert (upload.uploader, upload.community) == (cast.member, cast.community)


def test_a_file_that_is_not_an_image_is_refused_and_nothing_is_stored(cast_factory):
    cast = cast_factory()
    with pytest.raises(ValidationError) as exc:
        services.image_upload(
            user=cast.member,
            community=cast.community,
            image=_file(b"<svg onload=alert(1)>", "evil.svg"),
        )
    assert "image" in exc.value.message_dict
    assert not Upload.objects.exists()


def test_outsiders_cannot_upload(cast_factory):
    public, private = cast_factory(), cast_factory("private", "request")
    with pytest.raises(PermissionDenied):
        services.image_upload(user=public.outsider, community=public.community, image=_file(_png()))
    with pytest.raises(Http404):
        services.image_upload(
            user=private.outsider, community=private.community, image=_file(_png())
        )
    assert not Upload.objects.exists()


def test_the_upload_page_answers_the_markdown_to_insert(cast_factory):
    cast = cast_factory()
    client = client_for(cast.member)
    response = client.post(f"/c/{cast.community.slug}/images/", {"image": _file(_png())})
    assert response.status_code == 201
    body = response.json()
    assert body["markdown"] == f"![image]({body['url']})"
    assert client.get(body["url"]).status_code == 200
    assert client_for(None).get(body["url"]).status_code == 302  # anonymous: sign in first
    refused = client.post(f"/c/{cast.community.slug}/images/", {"image": _file(b"nope")})
    assert refused.status_code == 400
    assert refused.json()["field"] == "image"


def test_the_editor_offers_image_upload_to_members(cast_factory):
    cast = cast_factory()
    page = client_for(cast.member).get(f"/c/{cast.community.slug}/ask/").content.decode()
    assert f'data-url="/c/{cast.community.slug}/images/"' in page


def test_the_api_takes_an_image_as_multipart(cast_factory, api_for):
    cast = cast_factory()
    api = api_for(cast.member)
    response = api.client.post(
        f"/api/v1/communities/{cast.community.slug}/images",
        {"image": _file(_png())},
        headers=api.headers,
    )
    assert response.status_code == 201
    assert response.json()["url"].startswith("http://testserver/media/posts/")
    outsider = api_for(cast.outsider)
    refused = outsider.client.post(
        f"/api/v1/communities/{cast.community.slug}/images",
        {"image": _file(_png())},
        headers=outsider.headers,
    )
    assert refused.status_code == 403
