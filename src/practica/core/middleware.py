"""Security headers Django 5.2 does not set itself: a Content-Security-Policy without inline scripts,
and a Permissions-Policy. (Django 6 has CSP built in; this middleware goes when we move.)"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from practica.core.ratelimit import RateLimited

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class RateLimitMiddleware:
    """A page whose service refused for rate limiting answers 429 with Retry-After and says when
    to try again (the API answers in JSON through its own handler)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, RateLimited):
            return None
        response = render(request, "errors/429.html", {"message": str(exception)}, status=429)
        response.headers["Retry-After"] = str(exception.retry_after)
        return response


NUL_MESSAGE = "Text may not contain NUL characters (\\u0000)."


class NulCharacterMiddleware:
    """Refuse text with NUL characters before any view reads it: PostgreSQL cannot store or even
    compare them, so a search for one would fail deep inside a query. Django's form fields refuse
    them already; this covers query strings and the API's JSON bodies, with the API's JSON error
    shape under /api/ and the 400 page elsewhere."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._has_nul(request):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"message": NUL_MESSAGE, "errors": [{"field": None, "message": NUL_MESSAGE}]},
                    status=400,
                )
            return render(request, "errors/400.html", {"message": NUL_MESSAGE}, status=400)
        return self.get_response(request)

    @staticmethod
    def _has_nul(request: HttpRequest) -> bool:
        if any("\x00" in k or any("\x00" in v for v in vs) for k, vs in request.GET.lists()):
            return True
        kind = request.content_type or ""
        return kind == "application/json" and b"\\u0000" in request.body


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"
        )
        return response
