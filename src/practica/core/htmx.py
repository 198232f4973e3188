from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render


def render_page(
    request: HttpRequest,
    template: str,
    context: dict,
    *,
    partial: str | None = None,
    status: int = 200,
) -> HttpResponse:
    """Render the whole page, or only `template#partial` when htmx asks for a fragment."""
    name = f"{template}#{partial}" if partial and getattr(request, "htmx", False) else template
    response = render(request, name, context, status=status)
    response.headers["Vary"] = "HX-Request"
    return response


def go(request: HttpRequest, url: str) -> HttpResponse:
    """Redirect to `url`; htmx is told to follow with HX-Redirect."""
    if getattr(request, "htmx", False):
        response = HttpResponse(status=200)
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url)


def fail(request: HttpRequest, exc: ValidationError | PermissionDenied, url: str) -> HttpResponse:
    """A small action that could not be done: say why, and go back (htmx follows, too)."""
    text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
    messages.error(request, text or "That is not allowed.")
    return go(request, url)
