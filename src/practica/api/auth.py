from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from practica.accounts.services import token_authenticate


class TokenAuth(HttpBearer):
    """`Authorization: Bearer pra_…`, a personal access token (no CSRF: nothing ambient)."""

    openapi_description = "A personal access token from Settings → API tokens."

    def authenticate(self, request: HttpRequest, token: str):
        user = token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class ActiveSessionAuth(SessionAuth):
    """The browser's session cookie; unsafe methods need the CSRF token (X-CSRFToken header)."""

    def authenticate(self, request: HttpRequest, key):
        user = super().authenticate(request, key)
        return user if user is not None and user.is_active else None
