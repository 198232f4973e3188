"""Cards, reviews, card sets, the practice log and the journal over HTTP (/api/v1/). Everything
here is the caller's own, except card sets (a community's) and /reports/journal (what the
caller's direct reports sent them)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from ninja import Router, Status

from practica.accounts.api import PersonRef
from practica.accounts.http import AuthedHttpRequest
from practica.api.schemas import ErrorOut, FieldError, absolute
from practica.communities import policy
from practica.communities import selectors as community_selectors
from practica.communities.models import Community
from practica.learning import selectors, services, sources, weeks
from practica.learning.api.schemas import (
    ERRORS,
    WRITE_ERRORS,
    AdoptOut,
    CardIn,
    CardOut,
    CardPage,
    CardPatch,
    CardSetIn,
    CardSetOut,
    CardSetPage,
    DueOut,
    Id,
    JournalIn,
    JournalOut,
    JournalPage,
    PracticeIn,
    PracticeOut,
    PracticePage,
    ReviewIn,
    Week,
    card_out,
    card_set_out,
    journal_out,
    practice_out,
)
from practica.learning.models import JournalWeek, SetCard
from practica.learning.services import AlreadyReviewed

router = Router(tags=["learning"])


def _week(week: str) -> str:
    try:
        weeks.parse(week)
    except ValueError as exc:
        raise ValidationError({"week": str(exc)}) from exc
    return week


@router.get("/cards", response={200: CardPage, **ERRORS}, summary="Your cards, newest first")
def card_list(request: AuthedHttpRequest):
    return CardPage(items=[card_out(c) for c in selectors.card_list(user=request.user)])


@router.post("/cards", response={201: CardOut, **WRITE_ERRORS}, summary="Keep a takeaway card")
def card_create(request: AuthedHttpRequest, payload: CardIn):
    """From content (`source_kind` thread, answer or comment, and `source_id`) you may see (404
    otherwise), or from nothing. `quote` is kept when it is a part of the source's text."""
    card = services.card_create(owner=request.user, **payload.dict())
    sources.attach(request.user, [card])
    return Status(201, card_out(card))


@router.patch(
    "/cards/{id}", response={200: CardOut, **WRITE_ERRORS}, summary="Edit or suspend a card"
)
def card_update(request: AuthedHttpRequest, id: Id, payload: CardPatch):
    card = selectors.card_get(user=request.user, pk=id)
    data = payload.dict(exclude_unset=True)
    suspended = data.pop("suspended", None)
    if data:
        card = services.card_update(actor=request.user, card=card, **data)
    if suspended is not None:
        services.card_suspend(actor=request.user, card=card, suspended=suspended)
    return card_out(selectors.card_get(user=request.user, pk=id))


@router.delete("/cards/{id}", response={204: None, **ERRORS}, summary="Delete a card")
def card_delete(request: AuthedHttpRequest, id: Id):
    services.card_delete(actor=request.user, card=selectors.card_get(user=request.user, pk=id))
    return Status(204, None)


@router.get("/reviews/due", response={200: DueOut, **ERRORS}, summary="What to review today")
def reviews_due(request: AuthedHttpRequest):
    """Cards due by the end of your day (your time zone), then new cards up to your daily limit."""
    now = timezone.now()
    left = selectors.due(user=request.user, now=now)
    cards = selectors.due_cards(user=request.user, now=now)
    return DueOut(
        count=left.total,
        reviews=left.reviews,
        new=left.new,
        day_ends_at=left.ends_at,
        cards=[card_out(c) for c in cards],
    )


@router.post(
    "/cards/{id}/review",
    response={200: CardOut, 409: ErrorOut, **WRITE_ERRORS},
    summary="Review a card: 1 Again, 2 Hard, 3 Good, 4 Easy",
)
def card_review(request: AuthedHttpRequest, id: Id, payload: ReviewIn):
    """Send the card's `reps` as `review_number`: a retry of a review already recorded answers
    409 and changes nothing."""
    card = selectors.card_get(user=request.user, pk=id)
    try:
        card = services.card_review(
            actor=request.user,
            card=card,
            rating=payload.rating,
            number=payload.review_number,
            duration_ms=payload.duration_ms,
        )
    except AlreadyReviewed as exc:
        return Status(
            409,
            ErrorOut(
                message=str(exc), errors=[FieldError(field="review_number", message=str(exc))]
            ),
        )
    sources.attach(request.user, [card])
    return card_out(card)


def _community(request: AuthedHttpRequest, slug: str) -> Community:
    community = community_selectors.community_get(user=request.user, slug=slug)
    if not policy.can(request.user, "community.read", community):
        raise Http404("No such community.")
    return community


@router.get(
    "/communities/{slug}/card-sets",
    response={200: CardSetPage, **ERRORS},
    summary="A community's card sets, newest first",
)
def card_set_list(request: AuthedHttpRequest, slug: str):
    community = _community(request, slug)
    found = selectors.card_sets(user=request.user, community=community)
    items: dict[int, list[SetCard]] = {s.pk: [] for s in found}
    for item in SetCard.objects.filter(card_set_id__in=items):
        items[item.card_set_id].append(item)
    return CardSetPage(items=[card_set_out(s, items[s.pk]) for s in found])


@router.post(
    "/communities/{slug}/card-sets",
    response={201: CardSetOut, **WRITE_ERRORS},
    summary="Publish a card set (facilitators)",
)
def card_set_create(request: AuthedHttpRequest, slug: str, payload: CardSetIn):
    community = community_selectors.community_get(user=request.user, slug=slug)
    card_set = services.card_set_create(
        author=request.user,
        community=community,
        title=payload.title,
        description=payload.description,
        cards=[(c.prompt, c.point) for c in payload.cards],
    )
    return Status(201, card_set_out(card_set))


@router.post(
    "/card-sets/{id}/adopt",
    response={200: AdoptOut, **WRITE_ERRORS},
    summary="Add a card set to your review (again: adds nothing twice)",
)
def card_set_adopt(request: AuthedHttpRequest, id: Id):
    card_set = selectors.card_set_get(user=request.user, pk=id)
    added = services.card_set_adopt(user=request.user, card_set=card_set)
    return AdoptOut(added=added, card_set=card_set_out(card_set, card_set.item_list))  # type: ignore[attr-defined]


@router.get("/practice-log", response={200: PracticePage, **ERRORS}, summary="Your practice log")
def practice_list(request: AuthedHttpRequest):
    return PracticePage(
        items=[practice_out(e) for e in selectors.practice_entries(user=request.user)]
    )


@router.post(
    "/practice-log", response={201: PracticeOut, **WRITE_ERRORS}, summary="Log a practice change"
)
def practice_create(request: AuthedHttpRequest, payload: PracticeIn):
    """`visibility` community needs `community` (a slug of yours): it is posted there as a
    discussion tagged practice-change."""
    community = None
    if payload.community:
        community = Community.objects.filter(slug=payload.community).first()
        if community is None or not policy.can(request.user, "community.view", community):
            raise ValidationError({"community": "No such community."})
    card = selectors.card_get(user=request.user, pk=payload.card_id) if payload.card_id else None
    entry = services.practice_log(
        user=request.user,
        tried=payload.tried,
        happened=payload.happened,
        visibility=payload.visibility,
        community=community,
        card=card,
    )
    return Status(201, practice_out(entry))


def _journal(request: AuthedHttpRequest, week: str) -> JournalOut:
    draft = selectors.journal_week(user=request.user, week=week)
    if draft.journal is not None:
        return journal_out(draft.journal)
    body = draft.prefill()
    return JournalOut(
        id=None,
        url=absolute(reverse("learning:journal_week", kwargs={"week": week})),
        week=week,
        body=body,
        body_html="",
        saved=False,
        sent_at=None,
        sent_to=None,
        person=PersonRef.of(request.user),
        replies=[],
    )


@router.get(
    "/journal/weeks/{week}", response={200: JournalOut, **ERRORS}, summary="Your journal of a week"
)
def journal_get(request: AuthedHttpRequest, week: Week):
    """The saved journal, or (`saved` false) a first draft from the week's practice log,
    takeaways and answers."""
    return _journal(request, _week(week))


@router.post(
    "/journal/weeks/{week}",
    response={200: JournalOut, **WRITE_ERRORS},
    summary="Save your journal of a week",
)
def journal_save(request: AuthedHttpRequest, week: Week, payload: JournalIn):
    services.journal_save(user=request.user, week=_week(week), body=payload.body)
    return _journal(request, week)


@router.post(
    "/journal/weeks/{week}/send",
    response={200: JournalOut, **WRITE_ERRORS},
    summary="Send your saved journal to your manager",
)
def journal_send(request: AuthedHttpRequest, week: Week):
    services.journal_send(user=request.user, week=_week(week))
    return _journal(request, week)


@router.get(
    "/reports/journal",
    response={200: JournalPage, **ERRORS},
    summary="Journals your reports sent you",
)
def reports_journal(request: AuthedHttpRequest):
    found = selectors.reports_journal(manager=request.user)
    full = (
        JournalWeek.objects.filter(pk__in=[j.pk for j in found])
        .select_related("user", "sent_to")
        .prefetch_related("replies__author")
        .order_by("-sent_at", "-id")
    )
    return JournalPage(items=[journal_out(j, report=True) for j in full])
