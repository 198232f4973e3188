"""Questions, answers, comments, acceptance, mentions and "asked of you" become notifications."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from practica.accounts.models import User
from practica.communities import policy
from practica.core.markdown import mentioned_handles
from practica.discussions.models import Answer, Comment, Follow, Thread
from practica.notifications.models import CommunityLevel, Level
from practica.notifications.registry import (
    EMAIL,
    IN_APP,
    Intent,
    Kind,
    WebhookBody,
    kind,
    source,
    target,
    webhook_event,
)

kind(Kind("mention", "Someone @mentions me", "{actor} mentioned you in “{title}”", "",
          addressed=True, email=True, default=(IN_APP, EMAIL), group=False))  # fmt: skip
kind(Kind("asked_of", "Someone asks me to answer a question",
          "{actor} asked you to answer “{title}”", "", addressed=True, email=True,
          default=(IN_APP, EMAIL), group=False))  # fmt: skip
kind(Kind("answer.on_mine", "Answers to my questions", "{actor} answered your question “{title}”",
          "{count} new answers to your question “{title}”", addressed=True, email=True,
          default=(IN_APP, EMAIL)))  # fmt: skip
kind(Kind("answer.accepted", "My answer is accepted",
          "{actor} accepted your answer to “{title}”", "", addressed=True, email=True,
          default=(IN_APP, EMAIL), group=False))  # fmt: skip
kind(Kind("comment.on_mine", "Comments and replies on what I wrote",
          "{actor} commented on your post in “{title}”",
          "{count} new comments on your posts in “{title}”", addressed=True))  # fmt: skip
kind(Kind("answer.followed", "Answers in threads I follow", "{actor} answered “{title}”",
          "{count} new answers on “{title}”"))  # fmt: skip
kind(Kind("comment.followed", "Comments in threads I follow", "{actor} commented on “{title}”",
          "{count} new comments on “{title}”"))  # fmt: skip
kind(Kind("thread.new", "New threads in communities I watch", "{actor} posted “{title}” in {community}",
          "{count} new questions and discussions in {community}"))  # fmt: skip


def _load(model: Any, related: tuple[str, ...]) -> Any:
    return lambda pk: model.objects.select_related(*related).filter(pk=pk).first()


target("thread", load=_load(Thread, ("community",)),
       visible=lambda user, obj: policy.can(user, "thread.view", obj))  # fmt: skip
target("answer", load=_load(Answer, ("thread__community",)),
       visible=lambda user, obj: policy.can(user, "answer.view", obj))  # fmt: skip
target("comment", load=_load(Comment, ("thread__community", "answer")),
       visible=lambda user, obj: policy.can(user, "comment.view", obj)
       and (obj.answer is None or obj.answer.deleted_at is None))  # fmt: skip


def _mentions(text: str, obj: Any, target_type: str, thread: Thread, actor_id: int) -> list[Intent]:
    handles = mentioned_handles(text)
    if not handles:
        return []
    ids = User.objects.filter(handle__in=handles, is_active=True).values_list("pk", flat=True)
    return [
        Intent(pk, "mention", target_type, obj, thread.community_id, thread.title,
               obj.get_absolute_url(), f"mention:{target_type}:{obj.pk}", actor_id=actor_id)
        for pk in ids
    ]  # fmt: skip


def _followers(thread: Thread) -> list[int]:
    return list(Follow.objects.filter(thread=thread).values_list("user_id", flat=True))


@source("question.asked")
@source("discussion.started")
def thread_started(payload: dict[str, Any]) -> list[Intent]:
    thread = Thread.objects.select_related("community").filter(pk=payload["thread_id"]).first()
    if thread is None:
        return []
    actor = payload["user_id"]
    intents = _mentions(thread.body, thread, "thread", thread, actor)
    watchers = CommunityLevel.objects.filter(
        community_id=thread.community_id, level=Level.WATCH
    ).values_list("user_id", flat=True)
    group_url = reverse("discussions:questions", kwargs={"slug": thread.community.slug})
    for pk in watchers.iterator(chunk_size=2000):
        intents.append(
            Intent(pk, "thread.new", "thread", thread, thread.community_id, thread.title,
                   thread.get_absolute_url(), f"thread.new:{thread.community_id}",
                   group_url=group_url, actor_id=actor)
        )  # fmt: skip
    return intents


@source("answer.posted")
def answer_posted(payload: dict[str, Any]) -> list[Intent]:
    answer = (
        Answer.objects.select_related("thread__community").filter(pk=payload["answer_id"]).first()
    )
    if answer is None:
        return []
    thread, actor, url = answer.thread, payload["user_id"], answer.get_absolute_url()
    intents = _mentions(answer.body, answer, "answer", thread, actor)
    if thread.author_id:
        intents.append(
            Intent(thread.author_id, "answer.on_mine", "answer", answer, thread.community_id,
                   thread.title, url, f"answer:{thread.pk}", group_url=thread.get_absolute_url(),
                   actor_id=actor)
        )  # fmt: skip
    for pk in _followers(thread):
        intents.append(
            Intent(pk, "answer.followed", "answer", answer, thread.community_id, thread.title,
                   url, f"answer:{thread.pk}", group_url=thread.get_absolute_url(),
                   actor_id=actor)
        )  # fmt: skip
    return intents


@source("comment.posted")
def comment_posted(payload: dict[str, Any]) -> list[Intent]:
    comment = (
        Comment.objects.select_related("thread__community", "answer", "parent")
        .filter(pk=payload["comment_id"])
        .first()
    )
    if comment is None:
        return []
    thread, actor, url = comment.thread, payload["user_id"], comment.get_absolute_url()
    intents = _mentions(comment.body, comment, "comment", thread, actor)
    on = comment.parent or comment.answer or thread
    owners = [on.author_id, thread.author_id]
    for pk in dict.fromkeys(p for p in owners if p):
        intents.append(
            Intent(pk, "comment.on_mine", "comment", comment, thread.community_id, thread.title,
                   url, f"comment:{thread.pk}", group_url=thread.get_absolute_url(),
                   actor_id=actor)
        )  # fmt: skip
    for pk in _followers(thread):
        intents.append(
            Intent(pk, "comment.followed", "comment", comment, thread.community_id, thread.title,
                   url, f"comment:{thread.pk}", group_url=thread.get_absolute_url(),
                   actor_id=actor)
        )  # fmt: skip
    return intents


@source("answer.accepted")
def answer_accepted(payload: dict[str, Any]) -> list[Intent]:
    answer = (
        Answer.objects.select_related("thread__community").filter(pk=payload["answer_id"]).first()
    )
    if answer is None or not answer.author_id:
        return []
    thread = answer.thread
    return [
        Intent(answer.author_id, "answer.accepted", "answer", answer, thread.community_id,
               thread.title, answer.get_absolute_url(), f"accepted:{answer.pk}",
               actor_id=payload["user_id"])
    ]  # fmt: skip


@source("question.asked_of")
def asked_of(payload: dict[str, Any]) -> list[Intent]:
    thread = Thread.objects.select_related("community").filter(pk=payload["thread_id"]).first()
    if thread is None:
        return []
    return [
        Intent(payload["user_id"], "asked_of", "thread", thread, thread.community_id,
               thread.title, thread.get_absolute_url(), f"asked:{thread.pk}:{payload['user_id']}",
               actor_id=payload.get("actor_id"))
    ]  # fmt: skip


# --- Webhooks --------------------------------------------------------------------------------------


def _absolute(path: str) -> str:
    from django.conf import settings

    return settings.SITE_URL + path


def _thread_data(thread: Thread) -> dict[str, Any]:
    return {
        "id": thread.pk,
        "url": _absolute(thread.get_absolute_url()),
        "title": thread.title,
        "kind": thread.kind,
        "author": thread.author.name if thread.author else None,
        "tags": [t.name for t in thread.tags.all()],
    }


def _thread_body(payload: dict[str, Any], words: str) -> WebhookBody | None:
    thread = (
        Thread.objects.select_related("community", "author")
        .filter(pk=payload["thread_id"], deleted_at__isnull=True)
        .first()
    )
    if thread is None:
        return None
    data = _thread_data(thread)
    return WebhookBody(
        thread.community_id,
        {"thread": data},
        f"{words} in {thread.community.name}: <{data['url']}|{thread.title}>",
    )


@webhook_event("question.asked", "A new question")
def _question_asked(payload: dict[str, Any]) -> WebhookBody | None:
    return _thread_body(payload, "New question")


@webhook_event("discussion.started", "A new discussion")
def _discussion_started(payload: dict[str, Any]) -> WebhookBody | None:
    return _thread_body(payload, "New discussion")


@webhook_event("question.unanswered", "A question still unanswered after a while")
def _question_unanswered(payload: dict[str, Any]) -> WebhookBody | None:
    return _thread_body(payload, f"Unanswered for {payload.get('hours', '?')} hours")


def _answer_body(payload: dict[str, Any], words: str) -> WebhookBody | None:
    answer = (
        Answer.objects.select_related("thread__community", "thread__author", "author")
        .filter(pk=payload["answer_id"], deleted_at__isnull=True, thread__deleted_at__isnull=True)
        .first()
    )
    if answer is None:
        return None
    thread = _thread_data(answer.thread)
    data = {
        "thread": thread,
        "answer": {
            "id": answer.pk,
            "url": _absolute(answer.get_absolute_url()),
            "author": answer.author.name if answer.author else None,
        },
    }
    text = f"{words} in {answer.thread.community.name}: <{data['answer']['url']}|{thread['title']}>"
    return WebhookBody(answer.thread.community_id, data, text)


@webhook_event("answer.posted", "A new answer")
def _answer_posted(payload: dict[str, Any]) -> WebhookBody | None:
    return _answer_body(payload, "New answer")


@webhook_event("answer.accepted", "An accepted answer")
def _answer_accepted(payload: dict[str, Any]) -> WebhookBody | None:
    return _answer_body(payload, "Answer accepted")
