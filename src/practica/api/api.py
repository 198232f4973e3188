"""One NinjaAPI at /api/v1/, assembled from each app's `api.py` router.

Errors are JSON: `{"message": "...", "errors": [{"field": "name", "message": "..."}]}`.
401 without credentials, 404 for anything the caller may not see (as if it did not exist), 403 for
what they may see but not do, 422 for invalid input, 400 for a malformed request such as a bad cursor.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError

from practica.accounts.api import router as accounts_router
from practica.api.auth import ActiveSessionAuth, TokenAuth
from practica.communities.api import router as communities_router
from practica.core.pagination import InvalidCursor
from practica.core.ratelimit import RateLimited
from practica.discussions.api import router as discussions_router
from practica.learning.api import router as learning_router
from practica.live.api import router as live_router
from practica.notifications.api import router as notifications_router
from practica.search.api import router as search_router

api = NinjaAPI(
    title="Practica API",
    version="1",
    description=(
        "Communities of practice: people, communities and memberships. Authenticate with a "
        "personal access token (`Authorization: Bearer pra_…`, made under Settings → API tokens) "
        "or the browser session (with the `X-CSRFToken` header on unsafe methods). Every object "
        "carries its `id` and the `url` of its page. Lists are paginated with an opaque `cursor`."
    ),
    auth=[TokenAuth(), ActiveSessionAuth()],
    urls_namespace="api",
)
api.add_router("/", accounts_router)
api.add_router("/", communities_router)
api.add_router("/", discussions_router)
api.add_router("/", live_router)
api.add_router("/", search_router)
api.add_router("/", notifications_router)
api.add_router("/", learning_router)


def _error(request: HttpRequest, status: int, message: str, errors: list | None = None):
    return api.create_response(request, {"message": message, "errors": errors or []}, status=status)


@api.exception_handler(SchemaValidationError)
def schema_invalid(request: HttpRequest, exc: SchemaValidationError):
    errors: list[dict[str, str | None]] = []
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", [])]
        # ninja prefixes where the value came from ("body", "payload"); the rest names the field,
        # which may itself be called "body".
        if loc and loc[0] in ("body", "query", "path", "header", "cookie", "form"):
            loc = loc[1:]
            if loc and loc[0] == "payload":
                loc = loc[1:]
        errors.append({"field": ".".join(loc) or None, "message": err.get("msg", "Invalid.")})
    first = errors[0] if errors else {"field": None, "message": "Invalid input."}
    text = f"{first['field']}: {first['message']}" if first["field"] else str(first["message"])
    return _error(request, 422, text, errors)


@api.exception_handler(DjangoValidationError)
def service_invalid(request: HttpRequest, exc: DjangoValidationError):
    errors: list[dict[str, str | None]]
    if hasattr(exc, "error_dict"):
        errors = [
            {"field": None if f == "__all__" else f, "message": m}
            for f, msgs in exc.message_dict.items()
            for m in msgs
        ]
    else:
        errors = [{"field": None, "message": m} for m in exc.messages]
    return _error(request, 422, str(errors[0]["message"]) if errors else "Invalid input.", errors)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404):
    return _error(request, 404, "Not found.")


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied):
    return _error(request, 403, str(exc) or "You are not allowed to do that.")


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError):
    return _error(
        request, 401, "Sign in, or send a personal access token as `Authorization: Bearer <token>`."
    )


@api.exception_handler(RateLimited)
def rate_limited(request: HttpRequest, exc: RateLimited):
    response = _error(request, 429, str(exc))
    response.headers["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(InvalidCursor)
def bad_cursor(request: HttpRequest, exc: InvalidCursor):
    return _error(request, 400, str(exc), [{"field": "cursor", "message": str(exc)}])


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError):
    message = str(exc)
    if "CSRF" in message:
        message = "CSRF check failed: send the X-CSRFToken header with session authentication."
    return _error(request, exc.status_code, message)
