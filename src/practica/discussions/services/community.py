"""Tags, follows, asking experts and images for posts."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.http import Http404

from practica.accounts.models import User
from practica.accounts.services import normalise_tag
from practica.communities import policy
from practica.communities.models import Community, Membership, MembershipState
from practica.core import events, ratelimit
from practica.core.images import reencode_image
from practica.discussions.models import (
    AskRequest,
    Follow,
    Kind,
    Tag,
    Thread,
    Upload,
)
from practica.discussions.services._common import (
    MAX_ASKED,
    _changed,
    _require,
)


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
    Thread.objects.filter(tags=tag).update(version=F("version") + 1)  # their pages show the tag
    events.publish("tag.updated", tag_id=tag.pk, community_id=tag.community_id, user_id=actor.pk)
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
    Thread.objects.filter(tags__in=[source, target]).update(version=F("version") + 1)
    source.delete()
    events.publish(
        "tag.merged", tag_id=target.pk, community_id=target.community_id, user_id=actor.pk
    )
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
            _changed(thread.pk)
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
