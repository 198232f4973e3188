"""Discussion services and selectors, called directly: what each one allows, refuses and keeps."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from practica.accounts.models import User
from practica.accounts.services import user_profile_update
from practica.communities.models import Membership
from practica.communities.services import community_leave
from practica.core.ratelimit import RateLimited
from practica.discussions import selectors, services
from practica.discussions.models import (
    Answer,
    AskRequest,
    Comment,
    Follow,
    Kind,
    Reaction,
    Revision,
    Tag,
    Thread,
    Vote,
)


def _ask(cast, author=None, **kwargs):
    defaults = {
        "title": "How do we page the right person at night?",
        "body": "Our rota is a spreadsheet.",
    }
    defaults.update(kwargs)
    return services.thread_create(
        author=author or cast.member, community=cast.community, **defaults
    )


def _ids(page):
    return [t.pk for t in page.items]


def _fresh(user):
    """The same person without cached memberships, as the next request would load them."""
    return User.objects.get(pk=user.pk)


# --- thread_create ---------------------------------------------------------------------------


@pytest.mark.parametrize("body", ["", "   \n\t  "])
def test_thread_create_refuses_an_empty_or_blank_body(cast_factory, body):
    cast = cast_factory()
    with pytest.raises(ValidationError) as exc:
        _ask(cast, body=body)
    assert "body" in exc.value.message_dict
    assert not Thread.objects.exists()


@pytest.mark.parametrize("title", ["Short", "x" * 201, "   "])
def test_thread_create_refuses_a_too_short_or_too_long_title(cast_factory, title):
    cast = cast_factory()
    with pytest.raises(ValidationError) as exc:
        _ask(cast, title=title)
    assert "title" in exc.value.message_dict
    assert not Thread.objects.exists()


def test_thread_create_refuses_more_than_five_tags(cast_factory):
    cast = cast_factory()
    with pytest.raises(ValidationError) as exc:
        _ask(cast, tags=["a1", "b2", "c3", "d4", "e5", "f6"])
    assert "at most 5 tags" in exc.value.message_dict["tags"][0]
    assert not Tag.objects.exists()


def test_thread_create_normalises_tags_and_drops_duplicates(cast_factory):
    cast = cast_factory()
    thread = _ask(cast, tags=["Kubernetes ", "#kubernetes", "On Call", "on_call", ""])
    assert sorted(t.name for t in thread.tags.all()) == ["kubernetes", "on-call"]
    assert Tag.objects.filter(community=cast.community).count() == 2


def test_thread_create_refuses_a_non_member_of_a_public_community(cast_factory):
    cast = cast_factory()
    with pytest.raises(PermissionDenied):
        _ask(cast, author=cast.outsider)
    assert not Thread.objects.exists()


def test_thread_create_in_a_secret_community_looks_missing_to_an_outsider(cast_factory):
    cast = cast_factory("secret")
    with pytest.raises(Http404):
        _ask(cast, author=cast.outsider)


def test_thread_create_stores_revision_one_and_the_author_follows(cast_factory):
    cast = cast_factory()
    thread = _ask(cast, tags=["on-call"])
    revision = Revision.objects.get(thread=thread)
    assert (revision.number, revision.author, revision.body) == (
        1,
        cast.member,
        "Our rota is a spreadsheet.",
    )
    assert revision.tags == ["on-call"]
    assert Follow.objects.filter(user=cast.member, thread=thread).exists()


# --- thread_update, rollback, wiki ------------------------------------------------------------


def test_thread_update_with_a_reason_keeps_every_version(cast_factory):
    cast = cast_factory()
    thread = _ask(cast)
    services.thread_update(
        actor=cast.member, thread=thread, body="A shared calendar", reason="typo"
    )
    services.thread_update(actor=cast.member, thread=thread, title="Who gets paged at night here?")
    rows = selectors.revisions(user=cast.member, thread=thread)
    assert [r.number for r in rows] == [3, 2, 1]
    assert rows[1].reason == "typo" and rows[1].body == "A shared calendar"
    assert rows[0].previous == rows[1]
    thread.refresh_from_db()
    assert thread.edited_at is not None and thread.body == "A shared calendar"


def test_thread_update_saves_nothing_on_invalid_input(cast_factory):
    cast = cast_factory()
    thread = _ask(cast)
    with pytest.raises(ValidationError):
        services.thread_update(actor=cast.member, thread=thread, title="Short", body="New body")
    thread.refresh_from_db()
    assert thread.body == "Our rota is a spreadsheet." and thread.edited_at is None
    assert Revision.objects.filter(thread=thread).count() == 1


def test_a_member_cannot_edit_someone_elses_thread_but_a_facilitator_can(cast_factory):
    cast = cast_factory()
    thread = _ask(cast, author=cast.owner)
    with pytest.raises(PermissionDenied):
        services.thread_update(actor=cast.member, thread=thread, body="Hijacked")
    services.thread_update(actor=cast.facilitator, thread=thread, body="Tidied", reason="format")
    thread.refresh_from_db()
    assert thread.body == "Tidied"


def test_a_wiki_thread_is_editable_by_every_member(cast_factory):
    cast = cast_factory()
    thread = _ask(cast, author=cast.owner)
    assert services.thread_set_wiki(actor=cast.facilitator, thread=thread, is_wiki=True)
    thread.refresh_from_db()
    services.thread_update(actor=cast.member, thread=thread, body="Runbook v2", reason="update")
    assert Revision.objects.filter(thread=thread).first().author == cast.member


def test_rollback_by_a_facilitator_adds_a_revision_with_the_old_text(cast_factory):
    cast = cast_factory()
    thread = _ask(cast)
    services.thread_update(actor=cast.member, thread=thread, body="Vandalised")
    with pytest.raises(PermissionDenied):
        services.thread_rollback(actor=cast.member, thread=thread, number=1)
    services.thread_rollback(actor=cast.facilitator, thread=thread, number=1)
    thread.refresh_from_db()
    assert thread.body == "Our rota is a spreadsheet."
    latest = Revision.objects.filter(thread=thread).first()
    assert latest.number == 3 and latest.reason == "Rolled back to revision 1"
    assert latest.author == cast.facilitator


# --- answers and acceptance --------------------------------------------------------------------


def test_answer_create_only_on_questions(cast_factory):
    cast = cast_factory()
    discussion = _ask(cast, kind=Kind.DISCUSSION)
    with pytest.raises(ValidationError):
        services.answer_create(author=cast.owner, thread=discussion, body="An answer")
    question = _ask(cast)
    services.answer_create(author=cast.owner, thread=question, body="Use PagerDuty")
    question.refresh_from_db()
    assert question.answer_count == 1
    assert not Answer.objects.filter(thread=discussion).exists()


def test_answer_accept_by_the_asker_or_a_facilitator_only(cast_factory, user_factory, add_member):
    cast = cast_factory()
    other = user_factory()
    add_member(cast.community, other)
    thread = _ask(cast)
    first = services.answer_create(author=cast.owner, thread=thread, body="One")
    second = services.answer_create(author=other, thread=thread, body="Two")
    with pytest.raises(PermissionDenied):
        services.answer_accept(actor=other, answer=second)
    assert services.answer_accept(actor=cast.member, answer=first).accepted_answer == first
    thread = services.answer_accept(actor=cast.facilitator, answer=second)
    thread.refresh_from_db()
    assert thread.accepted_answer == second


def test_deleting_the_accepted_answer_unsolves_the_question(cast_factory):
    cast = cast_factory()
    thread = _ask(cast)
    answer = services.answer_create(author=cast.owner, thread=thread, body="One")
    services.answer_create(author=cast.facilitator, thread=thread, body="Two")
    services.answer_accept(actor=cast.member, answer=answer)
    assert services.answer_delete(actor=cast.owner, answer=answer)
    thread.refresh_from_db()
    assert thread.accepted_answer is None and thread.answer_count == 1
    assert not services.answer_delete(actor=cast.owner, answer=answer)
    thread.refresh_from_db()
    assert thread.answer_count == 1
    answer.refresh_from_db()
    with pytest.raises((ValidationError, PermissionDenied)):
        services.answer_accept(actor=cast.member, answer=answer)


# --- comments --------------------------------------------------------------------------------


def test_a_reply_to_a_reply_joins_the_top_comment(cast_factory):
    cast = cast_factory()
    thread = _ask(cast)
    answer = services.answer_create(author=cast.owner, thread=thread, body="One")
    top = services.comment_create(author=cast.member, thread=thread, answer=answer, body="Why?")
    reply = services.comment_create(author=cast.owner, thread=thread, parent=top, body="Because")
    deeper = services.comment_create(author=cast.member, thread=thread, parent=reply, body="Ok")
    assert reply.parent == top and deeper.parent == top
    assert deeper.answer == answer
    thread.refresh_from_db()
    assert thread.comment_count == 3
    page = selectors.thread_page(user=cast.member, thread=thread)
    [shown] = page.comments[("answer", answer.pk)]
    assert [c.pk for c in shown.reply_list] == [reply.pk, deeper.pk]


# --- votes and reactions -------------------------------------------------------------------


def test_voting_on_your_own_post_is_refused(cast_factory):
    cast = cast_factory()
    thread = _ask(cast)
    with pytest.raises(ValidationError):
        services.vote_set(user=cast.member, target=thread, value=1)
    assert not Vote.objects.exists()


def test_a_vote_changes_and_retracts_and_the_score_is_the_sum(cast_factory):
    cast = cast_factory()
    thread = _ask(cast)
    answer = services.answer_create(author=cast.owner, thread=thread, body="One")
    assert services.vote_set(user=cast.member, target=answer, value=1) == 1
    assert services.vote_set(user=cast.facilitator, target=answer, value=1) == 2
    assert services.vote_set(user=cast.member, target=answer, value=-1) == 0
    assert services.vote_set(user=cast.member, target=answer, value=-1) == 0
    assert Vote.objects.filter(answer=answer).count() == 2
    assert services.vote_clear(user=cast.facilitator, target=answer) == -1
    with pytest.raises(ValidationError):
        services.vote_set(user=cast.facilitator, target=answer, value=2)
    answer.refresh_from_db()
    assert answer.score == sum(Vote.objects.filter(answer=answer).values_list("value", flat=True))
    assert answer.score == -1


def test_a_non_member_cannot_vote(cast_factory):
    cast = cast_factory()
    thread = _ask(cast)
    with pytest.raises(PermissionDenied):
        services.vote_set(user=cast.outsider, target=thread, value=1)


def test_discussions_take_reactions_not_votes(cast_factory):
    cast = cast_factory()
    discussion = _ask(cast, kind=Kind.DISCUSSION)
    with pytest.raises(ValidationError):
        services.vote_set(user=cast.owner, target=discussion, value=1)
    assert services.reaction_toggle(user=cast.owner, target=discussion, emoji="tada") is True
    assert Reaction.objects.filter(thread=discussion).count() == 1
    assert services.reaction_toggle(user=cast.owner, target=discussion, emoji="tada") is False
    assert not Reaction.objects.exists()
    with pytest.raises(ValidationError):
        services.reaction_toggle(user=cast.owner, target=discussion, emoji="skull")


def test_reactions_on_comments_are_counted_on_the_page(cast_factory):
    cast = cast_factory()
    discussion = _ask(cast, kind=Kind.DISCUSSION)
    comment = services.comment_create(author=cast.owner, thread=discussion, body="Agreed")
    services.reaction_toggle(user=cast.member, target=comment, emoji="bulb")
    services.reaction_toggle(user=cast.facilitator, target=comment, emoji="bulb")
    page = selectors.thread_page(user=cast.member, thread=discussion)
    [row] = page.reactions[("comment", comment.pk)]
    assert (row["emoji"], row["count"], row["mine"]) == ("bulb", 2, True)


# --- soft delete ----------------------------------------------------------------------------


def test_a_deleted_thread_is_hidden_from_members_but_seen_by_facilitators(cast_factory):
    cast = cast_factory()
    thread = _ask(cast)
    assert services.thread_delete(actor=cast.member, thread=thread)
    with pytest.raises(Http404):
        selectors.thread_get(user=_fresh(cast.member), pk=thread.pk)
    assert thread.pk not in _ids(selectors.thread_list(user=cast.member, community=cast.community))
    assert selectors.thread_get(user=cast.facilitator, pk=thread.pk).deleted_at is not None
    assert selectors.thread_get(user=cast.admin, pk=thread.pk) == thread


def test_the_asker_cannot_delete_a_question_with_an_accepted_answer(cast_factory):
    cast = cast_factory()
    thread = _ask(cast)
    answer = services.answer_create(author=cast.owner, thread=thread, body="One")
    thread = services.answer_accept(actor=cast.member, answer=answer)
    with pytest.raises(PermissionDenied, match="accepted answer"):
        services.thread_delete(actor=cast.member, thread=thread)
    thread.refresh_from_db()
    assert thread.deleted_at is None
    assert services.thread_delete(actor=cast.facilitator, thread=thread)


# --- tags --------------------------------------------------------------------------------------


def test_renaming_a_tag_onto_an_existing_one_suggests_a_merge(cast_factory):
    cast = cast_factory()
    _ask(cast, tags=["k8s", "kubernetes"])
    tag = Tag.objects.get(name="k8s")
    with pytest.raises(ValidationError) as exc:
        services.tag_update(actor=cast.facilitator, tag=tag, name="Kubernetes")
    assert "merge" in exc.value.message_dict["name"][0]
    with pytest.raises(PermissionDenied):
        services.tag_update(actor=cast.member, tag=tag, name="containers")
    services.tag_update(actor=cast.facilitator, tag=tag, name="Containers")
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["containers", "kubernetes"]


def test_merging_tags_moves_threads_without_duplicates(cast_factory):
    cast = cast_factory()
    both = _ask(cast, tags=["k8s", "kubernetes"])
    only_old = _ask(cast, title="Which ingress controller do we use?", tags=["k8s"])
    source, target = Tag.objects.get(name="k8s"), Tag.objects.get(name="kubernetes")
    services.tag_merge(actor=cast.facilitator, source=source, target=target)
    assert not Tag.objects.filter(name="k8s").exists()
    assert [t.name for t in both.tags.all()] == ["kubernetes"]
    assert [t.name for t in only_old.tags.all()] == ["kubernetes"]
    assert Thread.tags.through.objects.filter(tag=target).count() == 2


# --- experts -------------------------------------------------------------------------------


def test_experts_for_ranks_by_accepted_and_upvoted_answers_and_claimed_expertise(
    cast_factory, user_factory, add_member, community_factory
):
    cast = cast_factory()
    claimer, voter = user_factory("Cleo Claimer"), user_factory("Vic Voter")
    for person in (claimer, voter):
        add_member(cast.community, person)
    user_profile_update(user=claimer, name=claimer.name, expertise=["kubernetes"])
    old = _ask(cast, author=cast.owner, tags=["kubernetes"])
    accepted = services.answer_create(author=cast.facilitator, thread=old, body="Drain first")
    upvoted = services.answer_create(author=cast.member, thread=old, body="Cordon")
    services.answer_accept(actor=cast.owner, answer=accepted)
    services.vote_set(user=voter, target=upvoted, value=1)
    # Evidence from another community does not count here.
    elsewhere = community_factory(owner=cast.owner)
    add_member(elsewhere, voter)
    add_member(elsewhere, cast.member)
    far = services.thread_create(
        author=cast.owner,
        community=elsewhere,
        title="Kubernetes upgrades elsewhere?",
        body="How?",
        tags=["kubernetes"],
    )
    far_answer = services.answer_create(author=voter, thread=far, body="Blue/green")
    services.answer_accept(actor=cast.owner, answer=far_answer)
    services.vote_set(user=cast.member, target=far_answer, value=1)

    question = _ask(cast, author=cast.member, tags=["Kubernetes"])
    experts = selectors.experts_for(user=cast.member, thread=question)
    assert [(e.user, e.score) for e in experts] == [(cast.facilitator, 3), (claimer, 2)]
    assert experts[0].reasons == ["1 accepted answer on `kubernetes`"]
    assert experts[1].reasons == ["lists `kubernetes` as expertise"]
    # The member who wrote the upvoted answer is the asker, so is left out.
    assert cast.member not in [e.user for e in experts]
    theirs = selectors.experts_for(user=cast.owner, thread=old)
    assert (cast.member, 1) in [(e.user, e.score) for e in theirs]
    assert ["1 upvote on answers about `kubernetes`"] in [e.reasons for e in theirs]


def test_suggested_experts_use_the_people_search_ranking(cast_factory):
    """The question page's suggestions are search.people's: a live session hosted on the topic
    counts, and upvotes count at most ten per answer, as in "who knows about this?"."""
    from datetime import timedelta

    from django.utils import timezone

    from practica.live import services as live
    from practica.search.people import experts

    cast = cast_factory()
    starts = timezone.now() + timedelta(days=1)
    live.live_session_schedule(
        actor=cast.facilitator,
        community=cast.community,
        title="Kubernetes office hours",
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
    )
    question = _ask(cast, author=cast.member, tags=["kubernetes"])
    suggested = selectors.experts_for(user=cast.member, thread=question)
    assert [(e.user, e.reasons) for e in suggested] == [
        (cast.facilitator, ["hosted 1 live session on `kubernetes`"])
    ]
    searched = experts(user=cast.member, topic="kubernetes", community=cast.community)
    assert [(e.user, e.score) for e in suggested] == [(e.user, e.score) for e in searched]


def test_experts_ask_only_members_not_yourself_at_most_ten_once_each(
    cast_factory, user_factory, add_member
):
    cast = cast_factory()
    thread = _ask(cast)
    with pytest.raises(ValidationError, match="yourself"):
        services.experts_ask(actor=cast.member, thread=thread, user_ids=[cast.member.pk])
    with pytest.raises(ValidationError, match="Only members"):
        services.experts_ask(actor=cast.member, thread=thread, user_ids=[cast.outsider.pk])
    bystander = user_factory()
    add_member(cast.community, bystander)
    with pytest.raises(PermissionDenied):
        services.experts_ask(actor=bystander, thread=thread, user_ids=[cast.owner.pk])
    made = services.experts_ask(actor=cast.member, thread=thread, user_ids=[cast.owner.pk])
    assert len(made) == 1
    again = services.experts_ask(actor=cast.member, thread=thread, user_ids=[cast.owner.pk])
    assert again == [] and AskRequest.objects.filter(thread=thread).count() == 1
    many = [user_factory() for _ in range(10)]
    for person in many:
        add_member(cast.community, person)
    with pytest.raises(ValidationError, match="at most 10"):
        services.experts_ask(actor=cast.member, thread=thread, user_ids=[p.pk for p in many])
    assert AskRequest.objects.filter(thread=thread).count() == 1


def test_asked_of_lists_requests_until_the_community_is_no_longer_readable(
    cast_factory, user_factory, add_member
):
    cast = cast_factory("private", "request")
    expert = user_factory("Eve Expert")
    add_member(cast.community, expert)
    thread = _ask(cast)
    services.experts_ask(actor=cast.member, thread=thread, user_ids=[expert.pk])
    [request] = selectors.asked_of(user=_fresh(expert))
    assert request.thread == thread and request.answered is False
    services.answer_create(author=expert, thread=thread, body="Here is how")
    assert selectors.asked_of(user=_fresh(expert))[0].answered is True
    community_leave(user=expert, community=cast.community)
    assert selectors.asked_of(user=_fresh(expert)) == []


# --- reputation --------------------------------------------------------------------------


def test_reputation_follows_the_rules_per_community(cast_factory, user_factory, add_member):
    cast = cast_factory()
    voter = user_factory()
    add_member(cast.community, voter)
    question = _ask(cast, author=cast.member)
    answer = services.answer_create(
        author=cast.member,
        thread=_ask(cast, author=cast.owner, title="Second question here?"),
        body="Mine",
    )
    services.vote_set(user=cast.owner, target=question, value=1)  # +5
    services.vote_set(user=voter, target=question, value=-1)  # -2
    services.vote_set(user=cast.owner, target=answer, value=1)  # +10
    services.vote_set(user=voter, target=answer, value=1)  # +10
    services.answer_accept(actor=cast.owner, answer=answer)  # +15
    rules = selectors.REPUTATION_RULES
    expected = (
        rules["question_upvote"]
        + rules["downvote"]
        + 2 * rules["answer_upvote"]
        + rules["accepted_answer"]
    )
    assert expected == 38
    assert selectors.reputation(user=cast.member, community=cast.community) == expected
    assert selectors.reputation(user=cast.member, viewer=cast.outsider) == expected
    other = cast_factory().community
    assert selectors.reputation(user=cast.member, community=other) == 0


def test_reputation_site_wide_leaves_out_communities_the_viewer_cannot_read(
    cast_factory, user_factory
):
    cast = cast_factory("private", "request")
    thread = _ask(cast, author=cast.owner)
    answer = services.answer_create(author=cast.member, thread=thread, body="Mine")
    services.vote_set(user=cast.facilitator, target=answer, value=1)
    assert selectors.reputation(user=cast.member, viewer=cast.facilitator) == 10
    assert selectors.reputation(user=cast.member, viewer=cast.outsider) == 0


# --- rate limits ---------------------------------------------------------------------------


def test_posting_too_often_is_rate_limited(cast_factory, settings):
    settings.PRACTICA_RATE_LIMITS = {**settings.PRACTICA_RATE_LIMITS, "post": (2, 600)}
    cast = cast_factory()
    thread = _ask(cast)
    services.answer_create(author=cast.member, thread=thread, body="One")
    with pytest.raises(RateLimited) as exc:
        services.answer_create(author=cast.member, thread=thread, body="Two")
    assert exc.value.retry_after > 0
    assert Answer.objects.count() == 1
    services.answer_create(author=cast.owner, thread=thread, body="Someone else may")


def test_voting_too_often_is_rate_limited(cast_factory, settings):
    settings.PRACTICA_RATE_LIMITS = {**settings.PRACTICA_RATE_LIMITS, "vote": (3, 60)}
    cast = cast_factory()
    thread = _ask(cast)
    for value in (1, -1, 1):
        services.vote_set(user=cast.owner, target=thread, value=value)
    with pytest.raises(RateLimited):
        services.vote_set(user=cast.owner, target=thread, value=-1)
    thread.refresh_from_db()
    assert thread.score == 1


# --- thread_list ---------------------------------------------------------------------------


def test_thread_list_status_filters(cast_factory):
    cast = cast_factory()
    bare = _ask(cast, title="Nobody answered this one")
    answered = _ask(cast, title="Answered but not accepted")
    services.answer_create(author=cast.owner, thread=answered, body="Maybe")
    stale = _ask(cast, title="Answered long ago, never accepted")
    services.answer_create(author=cast.owner, thread=stale, body="Maybe")
    Thread.objects.filter(pk=stale.pk).update(created_at=timezone.now() - timedelta(hours=49))
    solved = _ask(cast, title="Answered and accepted")
    accepted = services.answer_create(author=cast.owner, thread=solved, body="Yes")
    services.answer_accept(actor=cast.member, answer=accepted)
    talk = _ask(cast, title="Let us talk about on-call", kind=Kind.DISCUSSION)

    def listed(**kw):
        return set(_ids(selectors.thread_list(user=cast.member, community=cast.community, **kw)))

    assert listed(status="unanswered") == {bare.pk, stale.pk}
    assert listed(status="solved") == {solved.pk}
    assert listed(status="open") == {bare.pk, answered.pk, stale.pk}
    assert listed(kind="discussion") == {talk.pk}
    assert listed() == {bare.pk, answered.pk, stale.pk, solved.pk, talk.pk}


def test_thread_list_unanswered_window_follows_the_setting(cast_factory, settings):
    settings.PRACTICA_UNANSWERED_AFTER_HOURS = 1
    cast = cast_factory()
    thread = _ask(cast)
    services.answer_create(author=cast.owner, thread=thread, body="Maybe")
    Thread.objects.filter(pk=thread.pk).update(created_at=timezone.now() - timedelta(hours=2))
    page = selectors.thread_list(user=cast.member, community=cast.community, status="unanswered")
    assert _ids(page) == [thread.pk]


def test_thread_list_top_by_period_and_by_tag(cast_factory):
    cast = cast_factory()
    recent = _ask(cast, title="Recent and liked", tags=["postgres"])
    old = _ask(cast, title="Old and loved a lot")
    liked = _ask(cast, title="Recent, liked less")
    services.vote_set(user=cast.owner, target=recent, value=1)
    services.vote_set(user=cast.facilitator, target=recent, value=1)
    services.vote_set(user=cast.owner, target=liked, value=1)
    for person in (cast.owner, cast.facilitator):
        services.vote_set(user=person, target=old, value=1)
    Thread.objects.filter(pk=old.pk).update(score=5, created_at=timezone.now() - timedelta(days=40))

    def top(period):
        page = selectors.thread_list(
            user=cast.member, community=cast.community, sort="top", period=period
        )
        return _ids(page)

    assert top("all") == [old.pk, recent.pk, liked.pk]
    assert top("month") == [recent.pk, liked.pk]
    assert top("week") == [recent.pk, liked.pk]
    tagged = selectors.thread_list(user=cast.member, community=cast.community, tag="postgres")
    assert _ids(tagged) == [recent.pk]


def test_my_communities_feed_holds_only_active_memberships(
    cast_factory, community_factory, add_member
):
    cast = cast_factory()
    mine = _ask(cast)
    public_elsewhere = community_factory()
    owner_elsewhere = public_elsewhere.memberships.get().user
    theirs = services.thread_create(
        author=owner_elsewhere,
        community=public_elsewhere,
        title="A public thread elsewhere",
        body="Hello",
    )
    feed = selectors.thread_list(user=_fresh(cast.member), community=None)
    assert _ids(feed) == [mine.pk]
    # A public community's thread is readable on its own page, just not in the feed.
    page = selectors.thread_list(user=cast.member, community=public_elsewhere)
    assert _ids(page) == [theirs.pk]


def test_a_private_communitys_threads_never_reach_an_outsider(cast_factory):
    cast = cast_factory("private", "request")
    _ask(cast)
    assert _ids(selectors.thread_list(user=cast.outsider, community=None)) == []
    assert _ids(selectors.thread_list(user=cast.outsider, community=cast.community)) == []
    pending = Membership.objects.create(
        community=cast.community, user=cast.outsider, state="pending"
    )
    assert pending.is_active is False
    assert _ids(selectors.thread_list(user=_fresh(cast.outsider), community=None)) == []


# --- markdown in bodies ------------------------------------------------------------------


def test_a_mention_of_a_known_handle_links_to_the_profile(cast_factory):
    cast = cast_factory()
    handle = cast.owner.handle
    thread = _ask(cast, body=f"Paging @{handle} and @nobody-by-that-name please")
    assert f'<a href="/people/{handle}/"' in thread.body_html
    assert f">@{handle}</a>" in thread.body_html
    assert "@nobody-by-that-name" in thread.body_html
    assert "/people/nobody-by-that-name/" not in thread.body_html
    comment = services.comment_create(author=cast.owner, thread=thread, body=f"cc @{handle}")
    assert f'href="/people/{handle}/"' in comment.body_html


def test_a_handle_in_code_or_an_email_address_is_not_a_mention(cast_factory):
    cast = cast_factory()
    handle = cast.owner.handle
    body = f"Run `ssh @{handle}` or mail ops@{handle}.example\n\n```\n@{handle}\n```"
    thread = _ask(cast, body=body)
    assert "/people/" not in thread.body_html
    assert f"<code>ssh @{handle}</code>" in thread.body_html


def test_fenced_code_in_an_answer_is_highlighted(cast_factory):
    cast = cast_factory()
    thread = _ask(cast)
    body = "Try this:\n\n```python\ndef drain(node):\n    return 42\n```\n"
    answer = services.answer_create(author=cast.owner, thread=thread, body=body)
    assert '<span class="k">def</span>' in answer.body_html
    assert "<pre>" in answer.body_html


def test_comment_and_answer_edits_keep_revisions_and_validate(cast_factory):
    cast = cast_factory()
    thread = _ask(cast)
    answer = services.answer_create(author=cast.owner, thread=thread, body="One")
    services.answer_update(actor=cast.owner, answer=answer, body="One, better", reason="clarify")
    assert [r.number for r in Revision.objects.filter(answer=answer)] == [2, 1]
    with pytest.raises(PermissionDenied):
        services.answer_update(actor=cast.member, answer=answer, body="Mine now")
    comment = services.comment_create(author=cast.member, thread=thread, body="Hm")
    with pytest.raises(ValidationError):
        services.comment_update(actor=cast.member, comment=comment, body="x" * 5001)
    assert Comment.objects.get(pk=comment.pk).body == "Hm"


def test_asking_the_same_people_again_at_the_limit_changes_nothing(
    cast_factory, user_factory, add_member
):
    cast = cast_factory()
    thread = _ask(cast)
    people = [user_factory() for _ in range(10)]
    for person in people:
        add_member(cast.community, person)
    assert (
        len(services.experts_ask(actor=cast.member, thread=thread, user_ids=[p.pk for p in people]))
        == 10
    )
    again = services.experts_ask(actor=cast.member, thread=thread, user_ids=[people[0].pk])
    assert again == [] and AskRequest.objects.filter(thread=thread).count() == 10


def test_nothing_inside_a_deleted_thread_can_be_voted_on_or_edited(cast_factory, thread_factory):
    from django.http import Http404

    cast = cast_factory()
    thread = thread_factory(cast.community, author=cast.member)
    answer = services.answer_create(author=cast.facilitator, thread=thread, body="Try this.")
    services.thread_delete(actor=cast.owner, thread=thread)
    answer.thread.refresh_from_db()
    with pytest.raises(Http404):
        services.vote_set(user=cast.member, target=answer, value=1)
    with pytest.raises(PermissionDenied):  # facilitators still see it, but it is closed
        services.answer_update(actor=cast.facilitator, answer=answer, body="Sneaky edit")
    answer.refresh_from_db()
    assert (answer.score, answer.body) == (0, "Try this.")


def test_tags_given_as_one_string_are_split_on_commas(cast_factory):
    cast = cast_factory()
    thread = services.thread_create(
        author=cast.member,
        community=cast.community,
        title="How do we tag things?",
        body="Like this.",
        tags="Kubernetes, incident review",
    )
    assert sorted(t.name for t in thread.tags.all()) == ["incident-review", "kubernetes"]


def test_reputation_by_community_matches_the_per_community_figure(cast_factory, thread_factory):
    public, private = cast_factory(), cast_factory("private", "request")
    for cast in (public, private):
        thread = thread_factory(cast.community, author=cast.member)
        answer = services.answer_create(author=cast.facilitator, thread=thread, body="Do this.")
        services.vote_set(user=cast.member, target=answer, value=1)
        services.answer_accept(actor=cast.member, answer=answer)
    # The same person answers in both communities: make them a member of the private one too.
    from practica.communities.services import membership_add

    membership_add(actor=private.owner, community=private.community, user=public.facilitator)
    thread = thread_factory(private.community, author=private.member)
    answer = services.answer_create(author=public.facilitator, thread=thread, body="And this.")
    services.vote_set(user=private.member, target=answer, value=1)

    seen_by_insider = selectors.reputation_by_community(
        user=public.facilitator, viewer=private.owner
    )
    assert [(c.pk, p) for c, p in seen_by_insider] == [
        (public.community.pk, 25),
        (private.community.pk, 10),
    ]
    seen_by_outsider = selectors.reputation_by_community(
        user=public.facilitator, viewer=public.outsider
    )
    assert [(c.pk, p) for c, p in seen_by_outsider] == [(public.community.pk, 25)]
    assert selectors.reputation(user=public.facilitator, viewer=public.outsider) == 25
