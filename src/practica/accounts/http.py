from django.http import HttpRequest

from practica.accounts.models import User


class AuthedHttpRequest(HttpRequest):
    """A request behind `login_required` or API authentication: `user` is a signed-in User."""

    user: User  # type: ignore[assignment]
