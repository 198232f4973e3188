from __future__ import annotations

from allauth.account.views import LoginView as AllauthLoginView
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from practica.accounts import selectors, services
from practica.accounts.forms import ProfileForm, TokenForm
from practica.accounts.http import AuthedHttpRequest
from practica.core.forms import add_service_errors


@login_required
def profile(request: AuthedHttpRequest, handle: str) -> HttpResponse:
    """A person's page; communities and reputation come from their apps' sections."""
    person = selectors.person_get(viewer=request.user, handle=handle)
    return render(
        request,
        "accounts/profile.html",
        {"person": person, "is_me": person.pk == request.user.pk},
    )


@login_required
def profile_edit(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    initial = {
        "name": user.name,
        "handle": user.handle,
        "team": user.team,
        "manager": user.manager_id,
        "location": user.location,
        "bio": user.bio,
        "expertise": ", ".join(t.name for t in user.expertise.all()),
    }
    form = ProfileForm(request.POST or None, request.FILES or None, initial=initial, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.user_profile_update(
                user=user,
                name=data["name"],
                handle=data["handle"],
                team=data["team"],
                location=data["location"],
                bio=data["bio"],
                manager=data["manager"],
                expertise=form.expertise_list(),
                avatar=data.get("avatar"),
                remove_avatar=data.get("remove_avatar", False),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Your profile is saved.")
            return redirect(user)
    return render(
        request, "accounts/profile_edit.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
def tokens(request: AuthedHttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    new_secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_secret = services.token_create(
                user=request.user, name=form.cleaned_data["name"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            form = TokenForm()
    return render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "new_secret": new_secret,
            "tokens": selectors.tokens_of(user=request.user),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def token_revoke(request: AuthedHttpRequest, token_id: int) -> HttpResponse:
    token = selectors.token_get(user=request.user, token_id=token_id)  # 404 unless it is yours
    if services.token_revoke(user=request.user, token_id=token.pk):
        messages.success(request, "Token revoked: anything using it stops working now.")
    return redirect("accounts:tokens")


class LoginView(AllauthLoginView):
    """allauth's log-in page, answering 429 (not 200) once failed attempts hit the rate limit."""

    def form_invalid(self, form):
        response = super().form_invalid(form)
        limited = any(
            e.code == "too_many_login_attempts"
            for errors in form.errors.as_data().values()
            for e in errors
        )
        if limited:
            response.status_code = 429
            response.headers["Retry-After"] = "300"
        return response
