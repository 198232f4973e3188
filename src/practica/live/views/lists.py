"""Session lists (site-wide and per community), scheduling and editing, calendars, short links."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from practica.accounts.http import AuthedHttpRequest
from practica.accounts.models import User
from practica.communities import policy
from practica.communities import selectors as community_selectors
from practica.core.forms import add_service_errors
from practica.live import ics, selectors, services
from practica.live.forms import SessionForm
from practica.live.views.common import (
    community_live_context,
    get_session,
    readable_community,
)

FEED_SALT = "practica.live.feed"


@login_required
def index(request: AuthedHttpRequest) -> HttpResponse:
    """Live now, upcoming and past sessions in every community the viewer may read."""
    context = {
        w: selectors.session_list(user=request.user, when=w, limit=30) for w in selectors.WHEN
    }
    return render(request, "live/index.html", {**context, "show_community": True})


@login_required
def community_list(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    community = readable_community(request, slug)
    context = community_live_context(request, community)
    for w in selectors.WHEN:
        context[w] = selectors.session_list(user=request.user, when=w, community=community)
    key = signing.dumps([request.user.pk, community.pk], salt=FEED_SALT)
    context["feed_url"] = request.build_absolute_uri(
        reverse("live:feed", kwargs={"slug": slug}) + f"?key={key}"
    )
    return render(request, "live/list.html", context)


def feed(request: HttpRequest, slug: str) -> HttpResponse:
    """The community's sessions as an iCalendar feed. Calendar apps send no cookies, so the link
    carries a signed key naming its person; the policy is asked as them on every fetch, so the
    feed stops when they leave a private community."""
    user = request.user
    if not user.is_authenticated:
        try:
            user_id, _community_id = signing.loads(request.GET.get("key", ""), salt=FEED_SALT)
        except (signing.BadSignature, ValueError, TypeError):
            return redirect_to_login(request.get_full_path())
        person = User.objects.filter(pk=user_id, is_active=True).first()
        if person is None:
            raise Http404("No such feed.")
        user = person
    community = community_selectors.community_get(user=user, slug=slug)
    if not policy.can(user, "community.read", community):
        raise Http404("No such page.")
    sessions = selectors.session_list(user=user, when="upcoming", community=community, limit=200)
    sessions += selectors.session_list(user=user, when="live", community=community, limit=50)
    sessions += selectors.session_list(user=user, when="past", community=community, limit=100)
    body = ics.calendar(sessions, name=f"{community.name} · live sessions")
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


@login_required
def session_ics(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    session = get_session(request, slug, pk)
    response = HttpResponse(
        ics.calendar([session], name=session.title), content_type="text/calendar; charset=utf-8"
    )
    response.headers["Content-Disposition"] = (
        f'attachment; filename="live-session-{session.pk}.ics"'
    )
    return response


@login_required
def join(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The short link on the presenter's screen and its QR code."""
    session = selectors.session_get(user=request.user, pk=pk)
    return redirect(session)


@login_required
def schedule(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    community = readable_community(request, slug)
    policy.authorize(request.user, "live.schedule", community)
    form = SessionForm(request.POST or None, community=community)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                session = services.live_session_schedule(
                    actor=request.user, community=community, **form.service_data()
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request, "The session is scheduled. Share its page to collect questions."
                )
                return redirect(session)
        status = 400
    context = community_live_context(request, community)
    context.update({"form": form, "session": None})
    return render(request, "live/form.html", context, status=status)


@login_required
def edit(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    session = get_session(request, slug, pk)
    policy.authorize(request.user, "live.edit", session)
    form = SessionForm(request.POST or None, community=session.community, session=session)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.live_session_update(
                    actor=request.user, session=session, **form.service_data()
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            except PermissionDenied:
                raise
            else:
                messages.success(request, "Session updated.")
                return redirect(session)
        status = 400
    context = community_live_context(request, session.community)
    context.update({"form": form, "session": session})
    return render(request, "live/form.html", context, status=status)
