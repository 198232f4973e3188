"""Keyset ("cursor") pagination: stable under inserts and as fast on page 500 as on page 1.

A cursor is the ordering values of the last item of a page, base64-encoded JSON. It is opaque to
clients; a malformed one raises `InvalidCursor`, which pages and the API turn into a clear 400.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet

M = TypeVar("M", bound=Model)


class InvalidCursor(ValueError):
    pass


@dataclass
class Page(Generic[M]):
    items: list[M]
    next_cursor: str | None

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def _field_value(obj: Model, path: str) -> Any:
    value: Any = obj
    for part in path.split("__"):
        value = getattr(value, part)
    return value


def _encode(values: list[Any]) -> str:
    raw = json.dumps([v.isoformat() if hasattr(v, "isoformat") else v for v in values])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str, qs: QuerySet, fields: list[str]) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise InvalidCursor(
            "This page link is not valid; start again from the first page."
        ) from exc
    if not isinstance(values, list) or len(values) != len(fields):
        raise InvalidCursor("This page link is not valid; start again from the first page.")
    out = []
    for path, value in zip(fields, values, strict=True):
        model = qs.model
        parts = path.split("__")
        for part in parts[:-1]:
            model = model._meta.get_field(part).related_model
        field = model._meta.get_field(parts[-1])
        try:
            out.append(None if value is None else field.to_python(value))
        except ValidationError as exc:
            raise InvalidCursor(
                "This page link is not valid; start again from the first page."
            ) from exc
    return out


def paginate(
    qs: QuerySet[M], *, order: tuple[str, ...], cursor: str | None = None, limit: int = 20
) -> Page[M]:
    """The page of `qs` after `cursor`, ordered by `order` (which must end in a unique field)."""
    fields = [o.lstrip("-") for o in order]
    qs = qs.order_by(*order)
    if cursor:
        values = _decode(cursor, qs, fields)
        condition = Q()
        for i, (name, desc) in enumerate(
            zip(fields, [o.startswith("-") for o in order], strict=True)
        ):
            step = Q(**{f"{name}__{'lt' if desc else 'gt'}": values[i]})
            for prev in range(i):
                step &= Q(**{fields[prev]: values[prev]})
            condition |= step
        qs = qs.filter(condition)
    rows = list(qs[: limit + 1])
    items = rows[:limit]
    next_cursor = None
    if len(rows) > limit and items:
        next_cursor = _encode([_field_value(items[-1], f) for f in fields])
    return Page(items=items, next_cursor=next_cursor)
