"""Community pages. Each view parses input, calls a selector or a service, and renders; without
JavaScript every form posts and redirects with a message, and htmx asks for fragments."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from practica.accounts.http import AuthedHttpRequest
from practica.accounts.models import User
from practica.communities import policy, selectors, services
from practica.communities.forms import CommunityForm, InvitationForm, JoinForm, RoleForm
from practica.communities.models import Community, JoinPolicy, Role, Visibility
from practica.core.forms import add_service_errors
from practica.core.htmx import render_page
from practica.core.pagination import InvalidCursor


def _community_context(request: HttpRequest, community: Community, tab: str) -> dict:
    membership = policy.membership(request.user, community)
    return {
        "community": community,
        "tab": tab,
        "membership": membership,
        "can_read": policy.can(request.user, "community.read", community),
        "can_join": policy.can(request.user, "community.join", community),
        "can_request": policy.can(request.user, "community.request", community),
        "can_manage": policy.can(request.user, "community.manage_members", community),
        "can_edit": policy.can(request.user, "community.edit", community),
    }


@login_required
def directory(request: AuthedHttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    visibility = request.GET.get("visibility", "")
    visibility = visibility if visibility in Visibility.values else ""
    join_policy = request.GET.get("join", "")
    join_policy = join_policy if join_policy in JoinPolicy.values else ""
    mine = request.GET.get("mine") == "1"
    try:
        page = selectors.community_directory(
            user=request.user,
            q=q,
            visibility=visibility,
            join_policy=join_policy,
            mine=mine,
            cursor=request.GET.get("cursor"),
        )
    except InvalidCursor as exc:
        return HttpResponseBadRequest(str(exc))
    context = {
        "page": page,
        "q": q,
        "visibility": visibility,
        "join_policy": join_policy,
        "mine": mine,
        "visibilities": Visibility.choices,
        "join_policies": JoinPolicy.choices,
    }
    return render_page(request, "communities/directory.html", context, partial="results")


@login_required
def create(request: AuthedHttpRequest) -> HttpResponse:
    form = CommunityForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            community = services.community_create(
                creator=request.user,
                name=data["name"],
                slug=data["slug"],
                purpose=data["purpose"],
                description=data["description"],
                visibility=data["visibility"],
                join_policy=data["join_policy"],
                cover=data.get("cover"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{community.name} is ready. Invite the first members.")
            return redirect(community)
    return render(
        request,
        "communities/form.html",
        {"form": form, "creating": True},
        status=400 if form.errors else 200,
    )


@login_required
def detail(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    community = selectors.community_get(user=request.user, slug=slug)
    context = _community_context(request, community, "overview")
    context["facilitators"] = selectors.facilitators(community=community)
    context["recent_members"] = selectors.recent_members(user=request.user, community=community)
    context["join_form"] = JoinForm()
    context["requests"] = selectors.join_requests(user=request.user, community=community)
    return render(request, "communities/detail.html", context)


@login_required
def members(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    community = selectors.community_get(user=request.user, slug=slug)
    q = request.GET.get("q", "").strip()[:100]
    role = request.GET.get("role", "")
    role = role if role in Role.values else ""
    try:
        page = selectors.member_list(
            user=request.user, community=community, q=q, role=role, cursor=request.GET.get("cursor")
        )
    except InvalidCursor as exc:
        return HttpResponseBadRequest(str(exc))
    context = _community_context(request, community, "members")
    context.update(
        {
            "page": page,
            "q": q,
            "role": role,
            "roles": Role.choices,
            "requests": selectors.join_requests(user=request.user, community=community),
        }
    )
    return render_page(request, "communities/members.html", context, partial="member_rows")


@login_required
def manage(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    community = selectors.community_get(user=request.user, slug=slug)
    policy.authorize(request.user, "community.edit", community)
    initial = {
        f: getattr(community, f)
        for f in ("name", "slug", "purpose", "description", "visibility", "join_policy")
    }
    form = CommunityForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            community = services.community_update(
                actor=request.user,
                community=community,
                name=data["name"],
                slug=data["slug"] or community.slug,
                purpose=data["purpose"],
                description=data["description"],
                visibility=data["visibility"],
                join_policy=data["join_policy"],
                cover=data.get("cover"),
                remove_cover=data.get("remove_cover", False),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Saved.")
            return redirect("communities:manage", slug=community.slug)
    context = _community_context(request, community, "manage")
    context.update(
        {
            "form": form,
            "invitation_form": InvitationForm(),
            "invitations": [
                (i, services.invitation_token(i))
                for i in selectors.open_invitations(user=request.user, community=community)
            ],
        }
    )
    return render(request, "communities/manage.html", context, status=400 if form.errors else 200)


def _back(request: HttpRequest, community: Community, default: str = "detail") -> HttpResponse:
    target = request.POST.get("next", "")
    allowed = {
        "members": reverse("communities:members", kwargs={"slug": community.slug}),
        "manage": reverse("communities:manage", kwargs={"slug": community.slug}),
        "detail": community.get_absolute_url(),
    }
    return redirect(allowed.get(target, allowed[default]))


def _fail(request: HttpRequest, exc: ValidationError | PermissionDenied) -> None:
    text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
    messages.error(request, text or "That is not allowed.")


@login_required
@require_POST
def join(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    community = selectors.community_get(user=request.user, slug=slug)
    form = JoinForm(request.POST)
    message = form.cleaned_data["message"] if form.is_valid() else ""
    try:
        membership = services.community_join(
            user=request.user, community=community, message=message
        )
    except (ValidationError, PermissionDenied) as exc:
        _fail(request, exc)
    else:
        if membership.is_active:
            messages.success(request, f"Welcome to {community.name}!")
        else:
            messages.success(
                request,
                "Your request is with the facilitators. You will see "
                "the community here once they approve it.",
            )
    return redirect(community)


@login_required
@require_POST
def leave(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    community = selectors.community_get(user=request.user, slug=slug)
    was_member = policy.role_in(request.user, community) is not None
    try:
        changed = services.community_leave(user=request.user, community=community)
    except ValidationError as exc:
        _fail(request, exc)
        return redirect(community)
    if changed:
        messages.success(
            request,
            f"You left {community.name}." if was_member else "Your request to join is withdrawn.",
        )
    if not policy.can(request.user, "community.view", community):
        return redirect("communities:directory")
    return redirect(community)


@login_required
@require_POST
def member_action(request: AuthedHttpRequest, slug: str, user_id: str, action: str) -> HttpResponse:
    """approve / decline a request, remove a member, or set a member's role."""
    community = selectors.community_get(user=request.user, slug=slug)
    membership = selectors.member_get(user=request.user, community=community, user_id=int(user_id))
    name = membership.user.name
    try:
        if action == "approve":
            services.membership_approve(actor=request.user, membership=membership)
            messages.success(request, f"{name} is now a member.")
        elif action == "decline":
            services.membership_remove(actor=request.user, membership=membership)
            messages.success(request, f"You declined {name}'s request.")
        elif action == "remove":
            services.membership_remove(actor=request.user, membership=membership)
            messages.success(request, f"{name} is no longer a member.")
        elif action == "role":
            form = RoleForm(request.POST)
            if not form.is_valid():
                raise ValidationError("Choose member, facilitator or owner.")
            services.membership_set_role(
                actor=request.user, membership=membership, role=form.cleaned_data["role"]
            )
            messages.success(request, f"{name} is now {membership.get_role_display().lower()}.")
    except (ValidationError, PermissionDenied) as exc:
        _fail(request, exc)
    return _back(request, community, default="members")


@login_required
@require_POST
def invitation_create(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    community = selectors.community_get(user=request.user, slug=slug)
    form = InvitationForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(e) for e in errors))
        return _back(request, community, default="manage")
    try:
        invitation = services.invitation_create(
            actor=request.user, community=community, **form.cleaned_data
        )
    except (ValidationError, PermissionDenied) as exc:
        _fail(request, exc)
    else:
        messages.success(
            request,
            f"Invitation sent to {invitation.email}."
            if invitation.email
            else "Invitation link made: copy it from the list below.",
        )
    return _back(request, community, default="manage")


@login_required
@require_POST
def invitation_revoke(request: AuthedHttpRequest, slug: str, invitation_id: int) -> HttpResponse:
    community = selectors.community_get(user=request.user, slug=slug)
    invitation = selectors.invitation_get(
        user=request.user, community=community, invitation_id=invitation_id
    )
    if services.invitation_revoke(actor=request.user, invitation=invitation):
        messages.success(request, "Invitation withdrawn.")
    return _back(request, community, default="manage")


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The page an invitation link opens: anyone with the link sees which community invites them."""
    try:
        invitation = services.invitation_from_token(token)
    except ValidationError as exc:
        return render(
            request, "communities/invitation.html", {"problem": exc.messages[0]}, status=404
        )
    if request.method == "POST" and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    problem = services.invitation_problem(invitation, request.user)
    if request.method == "POST" and not problem and isinstance(request.user, User):
        try:
            services.invitation_accept(user=request.user, token=token)
        except ValidationError as exc:
            problem = exc.messages[0]
        else:
            messages.success(request, f"Welcome to {invitation.community.name}!")
            return redirect(invitation.community)
    return render(
        request,
        "communities/invitation.html",
        {"invitation": invitation, "problem": problem, "token": token},
        status=410 if problem and request.method == "POST" else 200,
    )
