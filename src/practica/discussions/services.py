"""Writes about threads, answers, comments, votes, reactions, tags, follows and expert requests.

Every service checks permission through `policy`, validates before writing, runs in one
transaction, keeps counters with F() expressions, and publishes its domain event after commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone

from practica.accounts.models import User
from practica.accounts.services import normalise_tag
from practica.communities import policy
from practica.communities.models import Community, Membership, MembershipState
from practica.core import events, ratelimit
from practica.core.images import reencode_image
from practica.core.markdown import render
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
    Upload,
    Vote,
)

TITLE_MIN, TITLE_MAX = 8, 200
BODY_MAX = 30_000
COMMENT_MAX = 5_000
MAX_TAGS = 5
MAX_ASKED = 10


def mention_url(handle: str) -> str | None:
    """The profile URL of an active person with `handle`, for @mentions in markdown."""
    user = User.objects.filter(handle=handle, is_active=True).only("handle").first()
    return user.get_absolute_url() if user else None


def render_body(text: str) -> str:
    return str(render(text, mention_url=_mention_resolver(text)))


def _mention_resolver(text: str):
    """Resolve every @handle of `text` with one query."""
    from practica.core.markdown import mentioned_handles

    handles = mentioned_handles(text)
    known = (
        set(
            User.objects.filter(handle__in=handles, is_active=True).values_list("handle", flat=True)
        )
        if handles
        else set()
    )
    return lambda handle: f"/people/{handle}/" if handle in known else None


def _require(user: Any, action: str, obj: Any) -> None:
    policy.authorize(user, action, obj)


def _clean_title(title: str, errors: dict[str, str]) -> str:
    title = " ".join((title or "").split())
    if not title:
        errors["title"] = "Give it a title: the question or topic in one line."
    elif len(title) < TITLE_MIN:
        errors["title"] = f"Make the title at least {TITLE_MIN} characters, so people can tell."
    elif len(title) > TITLE_MAX:
        errors["title"] = f"Keep the title under {TITLE_MAX} characters."
    return title


def _clean_body(
    body: str,
    errors: dict[str, str],
    *,
    field: str = "body",
    limit: int = BODY_MAX,
    what: str = "post",
) -> str:
    body = (body or "").strip()
    if not body:
        errors[field] = f"Write something: an empty {what} helps nobody."
    elif len(body) > limit:
        errors[field] = f"Keep the {what} under {limit:,} characters (it has {len(body):,})."
    return body


def _clean_tags(raw: Iterable[str] | str, errors: dict[str, str]) -> list[str]:
    if isinstance(raw, str):  # "kubernetes, incident review" from a form or a careless caller
        raw = raw.split(",")
    tags: list[str] = []
    for item in raw:
        tag = normalise_tag(item)
        if tag and tag not in tags:
            tags.append(tag)
    if len(tags) > MAX_TAGS:
        errors["tags"] = f"Use at most {MAX_TAGS} tags."
    return tags


def _tags_for(community: Community, names: list[str]) -> list[Tag]:
    existing = {t.name: t for t in Tag.objects.filter(community=community, name__in=names)}
    missing = [Tag(community=community, name=n) for n in names if n not in existing]
    Tag.objects.bulk_create(missing, ignore_conflicts=True)
    return list(Tag.objects.filter(community=community, name__in=names))


def _next_revision_number(*, thread: Thread | None = None, answer: Answer | None = None) -> int:
    last = Revision.objects.filter(thread=thread, answer=answer).order_by("-number").first()
    return (last.number if last else 0) + 1


def _touch(thread: Thread) -> None:
    Thread.objects.filter(pk=thread.pk).update(last_activity_at=timezone.now())


def _follow(user: User, thread: Thread) -> None:
    Follow.objects.get_or_create(user=user, thread=thread)


# --- Threads ---------------------------------------------------------------------------------


@transaction.atomic
def thread_create(
    *,
    author: User,
    community: Community,
    title: str,
    body: str,
    kind: str = Kind.QUESTION,
    tags: Iterable[str] = (),
) -> Thread:
    """Ask a question or start a discussion in `community` (members only)."""
    if not policy.can(author, "community.read", community):
        raise Http404("No such community.")  # its content, posting included, is members-only
    if not policy.can(author, "community.contribute", community):
        raise PermissionDenied("Join this community to post in it.")
    errors: dict[str, str] = {}
    if kind not in Kind.values:
        errors["kind"] = "Choose a question or a discussion."
    title = _clean_title(title, errors)
    body = _clean_body(body, errors)
    tag_names = _clean_tags(tags, errors)
    if errors:
        raise ValidationError(errors)
    ratelimit.hit("post", author.pk)
    thread = Thread.objects.create(
        community=community,
        author=author,
        kind=kind,
        title=title,
        body=body,
        body_html=render_body(body),
    )
    if tag_names:
        thread.tags.set(_tags_for(community, tag_names))
    Revision.objects.create(
        thread=thread,
        number=1,
        author=author,
        title=title,
        body=body,
        tags=tag_names,
        reason="First version",
    )
    _follow(author, thread)
    name = "question.asked" if kind == Kind.QUESTION else "discussion.started"
    events.publish(name, thread_id=thread.pk, community_id=community.pk, user_id=author.pk)
    return thread


@transaction.atomic
def thread_update(
    *,
    actor: User,
    thread: Thread,
    title: str | None = None,
    body: str | None = None,
    tags: Iterable[str] | None = None,
    reason: str = "",
) -> Thread:
    """Edit a thread; every change is kept as a revision with who, when and why."""
    _require(actor, "thread.edit", thread)
    errors: dict[str, str] = {}
    new_title = _clean_title(thread.title if title is None else title, errors)
    new_body = _clean_body(thread.body if body is None else body, errors)
    current_tags = sorted(t.name for t in thread.tags.all())
    new_tags = current_tags if tags is None else _clean_tags(tags, errors)
    reason = " ".join(reason.split())
    if len(reason) > 300:
        errors["reason"] = "Keep the reason under 300 characters."
    if errors:
        raise ValidationError(errors)
    if (new_title, new_body, sorted(new_tags)) == (thread.title, thread.body, current_tags):
        return thread
    ratelimit.hit("edit", actor.pk)
    thread.title, thread.body = new_title, new_body
    thread.body_html = render_body(new_body)
    thread.edited_at = timezone.now()
    thread.save(update_fields=["title", "body", "body_html", "edited_at"])
    if sorted(new_tags) != current_tags:
        thread.tags.set(_tags_for(thread.community, list(new_tags)))
    Revision.objects.create(
        thread=thread,
        number=_next_revision_number(thread=thread),
        author=actor,
        title=new_title,
        body=new_body,
        tags=list(new_tags),
        reason=reason,
    )
    _touch(thread)
    events.publish(
        "thread.edited", thread_id=thread.pk, community_id=thread.community_id, user_id=actor.pk
    )
    return thread


@transaction.atomic
def thread_rollback(*, actor: User, thread: Thread, number: int) -> Thread:
    """Restore revision `number` as a new revision (facilitators)."""
    _require(actor, "thread.rollback", thread)
    old = Revision.objects.filter(thread=thread, number=number).first()
    if old is None:
        raise ValidationError({"number": f"There is no revision {number}."})
    return thread_update(
        actor=actor,
        thread=thread,
        title=old.title,
        body=old.body,
        tags=old.tags,
        reason=f"Rolled back to revision {number}",
    )


@transaction.atomic
def thread_set_wiki(*, actor: User, thread: Thread, is_wiki: bool) -> bool:
    _require(actor, "thread.wiki", thread)
    return bool(
        Thread.objects.filter(pk=thread.pk).exclude(is_wiki=is_wiki).update(is_wiki=is_wiki)
    )


@transaction.atomic
def thread_delete(*, actor: User, thread: Thread) -> bool:
    """Soft-delete a thread: hidden from members, kept for facilitators."""
    if (
        policy.can(actor, "thread.view", thread)
        and not policy.can(actor, "thread.delete", thread)
        and thread.accepted_answer_id
        and thread.author_id == actor.pk
    ):
        raise PermissionDenied(
            "This question has an accepted answer, so it stays; ask a facilitator if it must go."
        )
    _require(actor, "thread.delete", thread)
    changed = Thread.objects.filter(pk=thread.pk, deleted_at__isnull=True).update(
        deleted_at=timezone.now(), deleted_by=actor
    )
    if changed:
        events.publish(
            "thread.deleted",
            thread_id=thread.pk,
            community_id=thread.community_id,
            user_id=actor.pk,
        )
    return bool(changed)


# --- Answers ---------------------------------------------------------------------------------


@transaction.atomic
def answer_create(*, author: User, thread: Thread, body: str) -> Answer:
    _require(author, "thread.answer", thread)
    if thread.kind != Kind.QUESTION:
        raise ValidationError("Discussions take comments, not answers.")
    errors: dict[str, str] = {}
    body = _clean_body(body, errors, what="answer")
    if errors:
        raise ValidationError(errors)
    ratelimit.hit("post", author.pk)
    answer = Answer.objects.create(
        thread=thread, author=author, body=body, body_html=render_body(body)
    )
    Revision.objects.create(
        answer=answer, number=1, author=author, body=body, reason="First version"
    )
    Thread.objects.filter(pk=thread.pk).update(
        answer_count=F("answer_count") + 1, last_activity_at=timezone.now()
    )
    _follow(author, thread)
    events.publish(
        "answer.posted",
        answer_id=answer.pk,
        thread_id=thread.pk,
        community_id=thread.community_id,
        user_id=author.pk,
    )
    return answer


@transaction.atomic
def answer_update(*, actor: User, answer: Answer, body: str, reason: str = "") -> Answer:
    _require(actor, "answer.edit", answer)
    errors: dict[str, str] = {}
    body = _clean_body(body, errors, what="answer")
    reason = " ".join(reason.split())
    if len(reason) > 300:
        errors["reason"] = "Keep the reason under 300 characters."
    if errors:
        raise ValidationError(errors)
    if body == answer.body:
        return answer
    ratelimit.hit("edit", actor.pk)
    answer.body, answer.body_html, answer.edited_at = body, render_body(body), timezone.now()
    answer.save(update_fields=["body", "body_html", "edited_at"])
    Revision.objects.create(
        answer=answer,
        number=_next_revision_number(answer=answer),
        author=actor,
        body=body,
        reason=reason,
    )
    events.publish(
        "answer.edited",
        answer_id=answer.pk,
        thread_id=answer.thread_id,
        community_id=answer.thread.community_id,
        user_id=actor.pk,
    )
    return answer


@transaction.atomic
def answer_delete(*, actor: User, answer: Answer) -> bool:
    Thread.objects.select_for_update().filter(pk=answer.thread_id).first()  # see answer_accept
    _require(actor, "answer.delete", answer)
    changed = Answer.objects.filter(pk=answer.pk, deleted_at__isnull=True).update(
        deleted_at=timezone.now(), deleted_by=actor
    )
    if changed:
        Thread.objects.filter(pk=answer.thread_id).update(answer_count=F("answer_count") - 1)
        Thread.objects.filter(pk=answer.thread_id, accepted_answer=answer).update(
            accepted_answer=None
        )
        events.publish(
            "answer.deleted",
            answer_id=answer.pk,
            thread_id=answer.thread_id,
            community_id=answer.thread.community_id,
            user_id=actor.pk,
        )
    return bool(changed)


@transaction.atomic
def answer_accept(*, actor: User, answer: Answer) -> Thread:
    """Mark `answer` as the one that solved its question (moving the mark from another)."""
    thread = Thread.objects.select_for_update().get(pk=answer.thread_id)
    _require(actor, "thread.accept", thread)
    # Read the answer again under the thread's lock: answer_delete takes the same lock.
    if (
        answer.thread_id != thread.pk
        or not Answer.objects.filter(pk=answer.pk, deleted_at__isnull=True).exists()
    ):
        raise ValidationError("This answer was deleted.")
    if thread.accepted_answer_id == answer.pk:
        return thread
    thread.accepted_answer = answer
    thread.save(update_fields=["accepted_answer"])
    _touch(thread)
    events.publish(
        "answer.accepted",
        answer_id=answer.pk,
        thread_id=thread.pk,
        community_id=thread.community_id,
        user_id=actor.pk,
    )
    return thread


@transaction.atomic
def answer_unaccept(*, actor: User, thread: Thread) -> bool:
    _require(actor, "thread.accept", thread)
    return bool(
        Thread.objects.filter(pk=thread.pk, accepted_answer__isnull=False).update(
            accepted_answer=None
        )
    )


# --- Comments ---------------------------------------------------------------------------------


@transaction.atomic
def comment_create(
    *,
    author: User,
    thread: Thread,
    body: str,
    answer: Answer | None = None,
    parent: Comment | None = None,
) -> Comment:
    """Comment on a thread or an answer; with `parent`, reply to a comment (one level deep:
    a reply to a reply joins its parent's conversation)."""
    if parent is not None:
        _require(author, "comment.comment", parent)
        if parent.parent_id is not None:
            parent = parent.parent
        thread, answer = parent.thread, parent.answer  # type: ignore[union-attr]
    elif answer is not None:
        _require(author, "answer.comment", answer)
        thread = answer.thread
    else:
        _require(author, "thread.comment", thread)
    errors: dict[str, str] = {}
    body = _clean_body(body, errors, limit=COMMENT_MAX, what="comment")
    if errors:
        raise ValidationError(errors)
    ratelimit.hit("post", author.pk)
    comment = Comment.objects.create(
        thread=thread,
        answer=answer,
        parent=parent,
        author=author,
        body=body,
        body_html=render_body(body),
    )
    Thread.objects.filter(pk=thread.pk).update(
        comment_count=F("comment_count") + 1, last_activity_at=timezone.now()
    )
    events.publish(
        "comment.posted",
        comment_id=comment.pk,
        thread_id=thread.pk,
        answer_id=answer.pk if answer else None,
        parent_id=parent.pk if parent else None,
        community_id=thread.community_id,
        user_id=author.pk,
    )
    return comment


@transaction.atomic
def comment_update(*, actor: User, comment: Comment, body: str) -> Comment:
    _require(actor, "comment.edit", comment)
    errors: dict[str, str] = {}
    body = _clean_body(body, errors, limit=COMMENT_MAX, what="comment")
    if errors:
        raise ValidationError(errors)
    ratelimit.hit("edit", actor.pk)
    comment.body, comment.body_html, comment.edited_at = body, render_body(body), timezone.now()
    comment.save(update_fields=["body", "body_html", "edited_at"])
    return comment


@transaction.atomic
def comment_delete(*, actor: User, comment: Comment) -> bool:
    _require(actor, "comment.delete", comment)
    changed = Comment.objects.filter(pk=comment.pk, deleted_at__isnull=True).update(
        deleted_at=timezone.now()
    )
    if changed:
        Thread.objects.filter(pk=comment.thread_id).update(comment_count=F("comment_count") - 1)
    return bool(changed)


# --- Votes and reactions ------------------------------------------------------------------------


def _vote_target(
    target: Thread | Answer,
) -> tuple[dict[str, Any], type[Thread] | type[Answer], str]:
    if isinstance(target, Thread):
        return {"thread": target}, Thread, "thread"
    return {"answer": target}, Answer, "answer"


@transaction.atomic
def vote_set(*, user: User, target: Thread | Answer, value: int) -> int:
    """Vote +1 or -1 on a question or an answer (changing an earlier vote). Returns the score.

    The vote row is unique per person and target; the stored score moves by the difference in
    the same transaction, so it always equals the sum of the votes, however many vote at once.
    """
    lookup, model, kind = _vote_target(target)
    _require(user, f"{kind}.vote", target)
    if isinstance(target, Thread) and target.kind != Kind.QUESTION:
        raise ValidationError("Discussions take reactions, not votes.")
    if value not in (1, -1):
        raise ValidationError({"value": "A vote is 1 (up) or -1 (down)."})
    if target.author_id == user.pk:
        raise ValidationError("You cannot vote on your own post.")
    ratelimit.hit("vote", user.pk)
    existing = Vote.objects.select_for_update().filter(user=user, **lookup).first()
    if existing is None:
        try:
            with transaction.atomic():
                Vote.objects.create(user=user, value=value, **lookup)
            delta = value
        except IntegrityError:  # the same person voting twice at once: the other one won
            existing = Vote.objects.select_for_update().get(user=user, **lookup)
    if existing is not None:
        delta = value - existing.value
        if delta:
            Vote.objects.filter(pk=existing.pk).update(value=value)
    if delta:
        model.objects.filter(pk=target.pk).update(score=F("score") + delta)
        events.publish(f"{kind}.voted", **{f"{kind}_id": target.pk}, user_id=user.pk, value=value)
    return model.objects.values_list("score", flat=True).get(pk=target.pk)


@transaction.atomic
def vote_clear(*, user: User, target: Thread | Answer) -> int:
    """Take a vote back. Returns the score."""
    lookup, model, kind = _vote_target(target)
    _require(user, f"{kind}.vote", target)  # taking a vote back is voting: members only
    existing = Vote.objects.select_for_update().filter(user=user, **lookup).first()
    if existing is not None:
        Vote.objects.filter(pk=existing.pk).delete()
        model.objects.filter(pk=target.pk).update(score=F("score") - existing.value)
    return model.objects.values_list("score", flat=True).get(pk=target.pk)


@transaction.atomic
def reaction_toggle(*, user: User, target: Thread | Comment, emoji: str) -> bool:
    """Add the reaction, or take it back if it is there. True when it is now there."""
    kind = "thread" if isinstance(target, Thread) else "comment"
    _require(user, f"{kind}.react", target)
    if emoji not in Reaction.EMOJI:
        raise ValidationError({"emoji": f"Choose one of: {', '.join(Reaction.EMOJI)}."})
    ratelimit.hit("vote", user.pk)
    lookup = {kind: target}
    deleted, _ = Reaction.objects.filter(user=user, emoji=emoji, **lookup).delete()
    if deleted:
        return False
    try:
        with transaction.atomic():
            Reaction.objects.create(user=user, emoji=emoji, **lookup)
    except IntegrityError:
        pass  # the same reaction arriving twice at once
    return True


# --- Tags, follows, experts ------------------------------------------------------------------


@transaction.atomic
def tag_update(
    *, actor: User, tag: Tag, name: str | None = None, description: str | None = None
) -> Tag:
    """Rename or describe a tag (facilitators). Threads keep it under its new name."""
    _require(actor, "tag.manage", tag)
    errors: dict[str, str] = {}
    new_name = tag.name if name is None else normalise_tag(name)
    if not new_name:
        errors["name"] = "Use letters, numbers and hyphens."
    elif (
        new_name != tag.name
        and Tag.objects.filter(community=tag.community_id, name=new_name).exists()
    ):
        errors["name"] = f"“{new_name}” exists already: merge the two tags instead."
    if description is not None and len(description) > 300:
        errors["description"] = "Keep the description under 300 characters."
    if errors:
        raise ValidationError(errors)
    tag.name = new_name
    if description is not None:
        tag.description = description.strip()
    tag.save(update_fields=["name", "description"])
    return tag


@transaction.atomic
def tag_merge(*, actor: User, source: Tag, target: Tag) -> Tag:
    """Move every thread of `source` to `target`, then remove `source` (facilitators)."""
    _require(actor, "tag.manage", source)
    if source.community_id != target.community_id:
        raise ValidationError("Tags merge only within one community.")
    if source.pk == target.pk:
        raise ValidationError("Choose two different tags.")
    through = Thread.tags.through
    already = set(through.objects.filter(tag=target).values_list("thread_id", flat=True))
    moving = through.objects.filter(tag=source).exclude(thread_id__in=already)
    through.objects.bulk_create(
        [through(thread_id=tid, tag=target) for tid in moving.values_list("thread_id", flat=True)]
    )
    if not target.description and source.description:
        target.description = source.description
        target.save(update_fields=["description"])
    source.delete()
    return target


@transaction.atomic
def follow_set(*, user: User, thread: Thread, following: bool) -> bool:
    """Follow or unfollow a thread. True when something changed."""
    _require(user, "thread.follow", thread)
    if following:
        _, created = Follow.objects.get_or_create(user=user, thread=thread)
        return created
    deleted, _ = Follow.objects.filter(user=user, thread=thread).delete()
    return bool(deleted)


@transaction.atomic
def experts_ask(*, actor: User, thread: Thread, user_ids: Iterable[int]) -> list[AskRequest]:
    """Ask people to answer a question (its asker or a facilitator). Each person is asked once;
    only members who can read the community can be asked."""
    _require(actor, "thread.ask", thread)
    if thread.kind != Kind.QUESTION:
        raise ValidationError("Ask people to answer questions, not discussions.")
    ids = list(dict.fromkeys(int(i) for i in user_ids))
    if not ids:
        raise ValidationError({"user_ids": "Choose at least one person to ask."})
    if actor.pk in ids:
        raise ValidationError({"user_ids": "You cannot ask yourself."})
    members = set(
        Membership.objects.filter(
            community=thread.community_id,
            user_id__in=ids,
            state=MembershipState.ACTIVE,
            user__is_active=True,
        ).values_list("user_id", flat=True)
    )
    strangers = [i for i in ids if i not in members]
    if strangers:
        raise ValidationError({"user_ids": "Only members of this community can be asked."})
    already = set(AskRequest.objects.filter(thread=thread).values_list("user_id", flat=True))
    if len(already | set(ids)) > MAX_ASKED:  # asking someone again is not a new request
        raise ValidationError({"user_ids": f"Ask at most {MAX_ASKED} people per question."})
    made = []
    for uid in ids:
        request, created = AskRequest.objects.get_or_create(
            thread=thread, user_id=uid, defaults={"asked_by": actor}
        )
        if created:
            made.append(request)
            events.publish(
                "question.asked_of",
                thread_id=thread.pk,
                user_id=uid,
                actor_id=actor.pk,
                community_id=thread.community_id,
            )
    return made


@transaction.atomic
def image_upload(*, user: User, community: Community, image: UploadedFile) -> Upload:
    """Take an image for a post (members): checked, shrunk to 1600 px, re-encoded without its
    metadata and stored under a random name. Returns the Upload; its image.url goes in markdown."""
    if not policy.can(user, "community.read", community):
        raise Http404("No such community.")
    if not policy.can(user, "community.contribute", community):
        raise PermissionDenied("Join this community to post images in it.")
    try:
        clean = reencode_image(image, max_side=1600, prefix="post")
    except ValidationError as exc:
        raise ValidationError({"image": exc.messages[0]}) from exc
    ratelimit.hit("post", user.pk)
    upload = Upload(uploader=user, community=community)
    upload.image.save(clean.name or "post.webp", clean, save=False)
    upload.save()
    return upload
