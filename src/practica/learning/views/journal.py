"""The weekly learning journal (one's own), and the manager's pages of what reports sent."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from practica.accounts.http import AuthedHttpRequest
from practica.core.forms import add_service_errors
from practica.core.htmx import fail, go, render_page
from practica.learning import selectors, services, weeks
from practica.learning.forms import JournalForm, ReplyForm


def _week_or_404(week: str) -> str:
    try:
        weeks.parse(week)
    except ValueError as exc:
        raise Http404("No such week.") from exc
    return week


@login_required
def journal(request: AuthedHttpRequest) -> HttpResponse:
    """This week's journal, in the person's time zone."""
    prefs = selectors.learner_settings(user=request.user)
    week = weeks.current(time_zone=prefs.time_zone, now=timezone.now())
    return redirect("learning:journal_week", week=week)


@login_required
def journal_week(request: AuthedHttpRequest, week: str) -> HttpResponse:
    week = _week_or_404(week)
    draft = selectors.journal_week(user=request.user, week=week)
    if request.method == "POST":
        form = JournalForm(request.POST)
        if form.is_valid():
            try:
                services.journal_save(user=request.user, week=week, body=form.cleaned_data["body"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Saved. Only you can see it until you send it.")
                return go(request, reverse("learning:journal_week", kwargs={"week": week}))
    else:
        body = draft.journal.body if draft.journal else draft.prefill()
        form = JournalForm(initial={"body": body})
    context = {
        "draft": draft,
        "form": form,
        "week_label": weeks.label(week),
        "previous": weeks.step(week, -7),
        "next": weeks.step(week, 7),
        "manager": request.user.manager,
        "journals": selectors.journal_list(user=request.user),
        "progress": selectors.progress(user=request.user),
    }
    status = 400 if form.errors else 200
    return render_page(request, "learning/journal.html", context, status=status)


@login_required
@require_POST
def journal_send(request: AuthedHttpRequest, week: str) -> HttpResponse:
    week = _week_or_404(week)
    url = reverse("learning:journal_week", kwargs={"week": week})
    try:
        journal = services.journal_send(user=request.user, week=week)
    except (ValidationError, PermissionDenied) as exc:
        return fail(request, exc, url)
    messages.success(
        request, f"Sent to {journal.sent_to.name if journal.sent_to else 'your manager'}."
    )
    return go(request, url)


@login_required
def reports(request: AuthedHttpRequest) -> HttpResponse:
    """What the person's direct reports chose to share with them."""
    context = {
        "journals": selectors.reports_journal(manager=request.user),
        "practice": selectors.reports_practice(manager=request.user),
    }
    return render_page(request, "learning/reports.html", context)


@login_required
def report(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    journal = selectors.report_get(manager=request.user, pk=pk)
    context = {
        "journal": journal,
        "week_label": weeks.label(journal.week),
        "form": ReplyForm(),
        "can_reply": journal.user_id != request.user.pk,
    }
    return render_page(request, "learning/report.html", context, partial="replies")


@login_required
@require_POST
def report_reply(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    journal = selectors.report_get(manager=request.user, pk=pk)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.journal_reply(
                actor=request.user, journal=journal, body=form.cleaned_data["body"]
            )
        except PermissionDenied as exc:
            return fail(request, exc, journal.get_report_url())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Reply sent to {journal.user.name}.")
            if getattr(request, "htmx", False):
                journal = selectors.report_get(manager=request.user, pk=pk)
                context = {"journal": journal, "form": ReplyForm(), "can_reply": True}
                return render_page(request, "learning/report.html", context, partial="replies")
            return go(request, journal.get_report_url())
    context = {
        "journal": journal,
        "week_label": weeks.label(journal.week),
        "form": form,
        "can_reply": True,
    }
    return render_page(request, "learning/report.html", context, partial="replies", status=400)
