from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.static import serve


def home(request: HttpRequest) -> HttpResponse:
    """Signed in: what the apps contribute to the home page (core/sections.py). Signed out: what
    Practica is."""
    if not request.user.is_authenticated:
        return render(request, "core/landing.html")
    return render(request, "core/home.html")


def healthz(request: HttpRequest) -> HttpResponse:
    """A trivial view: load balancers use it, and the benchmarks measure against it."""
    return HttpResponse("ok", content_type="text/plain")


@login_required
def media(request: HttpRequest, path: str) -> HttpResponseBase:
    """Uploaded images, for people signed in. Every one was re-encoded on upload and has an
    unguessable name."""
    response = serve(request, path, document_root=str(settings.MEDIA_ROOT))
    response.headers["Cache-Control"] = "public, max-age=86400"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def error_400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/400.html", status=400)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    return render(request, "errors/500.html", status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "errors/403_csrf.html", status=403)
