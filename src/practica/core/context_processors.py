from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import LazyObject, empty


def site(request: HttpRequest) -> dict:
    """SITE_URL, and `user` as the real user object rather than Django's lazy proxy (templates
    read it many times a page; every read through the proxy costs)."""
    context: dict = {"SITE_URL": settings.SITE_URL}
    user = getattr(request, "user", None)
    if isinstance(user, LazyObject):
        if user._wrapped is empty:
            user._setup()
        context["user"] = user._wrapped
    return context
