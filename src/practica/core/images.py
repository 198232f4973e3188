"""Uploaded images: checked for size and type, decoded, shrunk and re-encoded, so nothing a user
uploads is ever served as they sent it (no scripts in SVG, no polyglots, no EXIF location)."""

from __future__ import annotations

import io
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}
Image.MAX_IMAGE_PIXELS = 40_000_000  # refuse decompression bombs early


def reencode_image(upload: UploadedFile, *, max_side: int, prefix: str) -> ContentFile:
    """Validate `upload` and return it as a new WebP file no larger than `max_side` on a side.

    Raises ValidationError with a message fit for the form field.
    """
    limit = settings.MEDIA_MAX_UPLOAD_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            f"The image is {upload.size // 1024} KB; the largest accepted is {limit // 1024} KB.",
            code="too_large",
        )
    try:
        upload.seek(0)
        image = Image.open(upload)
        fmt = image.format
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise ValidationError(
            "That file is not an image we can read (use PNG, JPEG, GIF or WebP).",
            code="invalid_image",
        ) from exc
    if fmt not in ACCEPTED_FORMATS:
        raise ValidationError("Use a PNG, JPEG, GIF or WebP image.", code="invalid_type")
    converted = image.convert("RGBA" if image.mode in {"RGBA", "LA", "P"} else "RGB")
    converted.thumbnail((max_side, max_side))
    out = io.BytesIO()
    converted.save(out, format="WEBP", quality=85)
    return ContentFile(out.getvalue(), name=f"{prefix}-{secrets.token_hex(8)}.webp")
