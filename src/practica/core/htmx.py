from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


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
