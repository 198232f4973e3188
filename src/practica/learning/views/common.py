from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


def go(request: HttpRequest, url: str) -> HttpResponse:
    """Redirect; htmx is told to follow with HX-Redirect."""
    if getattr(request, "htmx", False):
        response = HttpResponse(status=200)
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url)


def fail(request: HttpRequest, exc: ValidationError | PermissionDenied, url: str) -> HttpResponse:
    """A small action that could not be done: say why, and go back."""
    text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
    messages.error(request, text or "That is not allowed.")
    return go(request, url)
