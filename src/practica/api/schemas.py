"""Shapes shared by every app's API: errors and absolute URLs."""

from __future__ import annotations

from django.conf import settings
from ninja import Schema


class FieldError(Schema):
    field: str | None
    message: str


class ErrorOut(Schema):
    message: str
    errors: list[FieldError] = []


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def media_url(field) -> str | None:
    return absolute(field.url) if field else None
