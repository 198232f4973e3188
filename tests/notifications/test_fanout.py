"""Who hears about what: sources, grouping, community levels, the preference matrix, and the
permission check made for every recipient at the time of sending."""

from __future__ import annotations

import pytest
from django.core import mail

from practica.communities import services as communities
from practica.discussions import services as discussions
from practica.notifications import registry, selectors, services
from practica.notifications.models import CommunityLevel, Notification
from practica.notifications.services.mail import notification_email_send


def kinds_of(user) -> list[str]:
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_an_answer_notifies_the_asker_in_the_app_and_by_email(scene, committed):
    with committed():
        discussions.answer_create(author=scene.ben, thread=scene.question, body="Blue-green.")
    n = Notification.objects.get(recipient=scene.asha)
    assert n.kind == "answer.on_mine" and n.email_state == "sent"
    assert selectors.text_of(n) == (
        "Ben Answerer answered your question “How do we roll back a release?”"
    )
    assert n.url.startswith(scene.question.get_absolute_url())
    assert [m.to for m in mail.outbox] == [[scene.asha.email]]
    assert kinds_of(scene.ben) == []  # nobody hears about their own answer


def test_answers_pile_up_into_one_unread_row_for_a_follower(scene, committed, user_factory):
    discussions.follow_set(user=scene.fay, thread=scene.question, following=True)
    with committed():
        for body in ("One way.", "Another way.", "A third way."):
            discussions.answer_create(author=scene.ben, thread=scene.question, body=body)
    rows = Notification.objects.filter(recipient=scene.fay)
    assert rows.count() == 1
    assert selectors.text_of(rows.get()) == "3 new answers on “How do we roll back a release?”"
    services.notifications_mark_read(user=scene.fay)
    with committed():
        discussions.answer_create(author=scene.ben, thread=scene.question, body="A fourth way.")
    assert Notification.objects.filter(recipient=scene.fay).count() == 2  # read rows stay apart


def test_a_mention_asking_and_acceptance_reach_the_person(scene, committed):
    with committed():
        answer = discussions.answer_create(
            author=scene.ben, thread=scene.question, body=f"Ask @{scene.fay.handle} too."
        )
        discussions.experts_ask(actor=scene.asha, thread=scene.question, user_ids=[scene.ben.pk])
        discussions.answer_accept(actor=scene.asha, answer=answer)
    assert "mention" in kinds_of(scene.fay)
    assert kinds_of(scene.ben) == ["answer.accepted", "asked_of"]


def test_a_comment_notifies_the_author_of_what_it_replies_to(scene, committed):
    answer = discussions.answer_create(author=scene.ben, thread=scene.question, body="Canary.")
    with committed():
        discussions.comment_create(
            author=scene.fay, thread=scene.question, answer=answer, body="Which tool?"
        )
    assert kinds_of(scene.ben) == ["comment.on_mine"]
    assert "comment.on_mine" in kinds_of(scene.asha)


def test_requests_approvals_and_invitations(scene, committed, user_factory):
    newcomer = user_factory("Nia Newcomer")
    with committed():
        membership = communities.community_join(user=newcomer, community=scene.community)
    assert kinds_of(scene.fay) == ["member.requested"]
    assert kinds_of(scene.owner) == ["member.requested"]
    assert kinds_of(scene.asha) == []
    with committed():
        communities.membership_approve(actor=scene.fay, membership=membership)
    assert kinds_of(newcomer) == ["member.approved"]
    guest = user_factory("Gus Guest")
    with committed():
        communities.invitation_create(
            actor=scene.owner, community=scene.community, email=guest.email
        )
    n = Notification.objects.get(recipient=guest)
    assert n.kind == "invitation" and n.url.startswith("/invite/")
    assert selectors.notification_list(user=guest).items == [n]  # not a member, still sees it


def test_watchers_hear_of_new_questions_and_mute_keeps_only_what_is_addressed(scene, committed):
    services.community_level_set(user=scene.fay, community=scene.community, level="watch")
    services.community_level_set(user=scene.asha, community=scene.community, level="mute")
    discussions.follow_set(user=scene.asha, thread=scene.question, following=True)
    with committed():
        discussions.thread_create(
            author=scene.ben, community=scene.community, title="Where are the runbooks?", body="?"
        )
        discussions.thread_create(
            author=scene.ben, community=scene.community, title="Who owns the CI pipeline?", body="?"
        )
    n = Notification.objects.get(recipient=scene.fay)
    assert n.count == 2 and selectors.text_of(n).startswith("2 new questions and discussions in")
    other = discussions.thread_create(
        author=scene.ben, community=scene.community, title="A thread nobody follows", body="x"
    )
    with committed():
        discussions.answer_create(author=scene.fay, thread=other, body="Followed by nobody.")
        discussions.answer_create(author=scene.ben, thread=scene.question, body="Addressed.")
    assert kinds_of(scene.asha) == ["answer.on_mine"]  # muted, but her own question's answer


def test_a_person_who_left_a_private_community_gets_nothing_more_from_it(scene, committed):
    discussions.follow_set(user=scene.fay, thread=scene.question, following=True)
    with committed():
        discussions.answer_create(author=scene.ben, thread=scene.question, body="First.")
    assert Notification.objects.filter(recipient=scene.asha).exists()
    mail.outbox.clear()
    with committed():
        communities.community_leave(user=scene.asha, community=scene.community)
    # What she had from it is gone from her bell and list…
    assert not Notification.objects.filter(recipient=scene.asha).exists()
    with committed():
        discussions.answer_create(author=scene.ben, thread=scene.question, body="Second.")
    # …and nothing new comes, in the app or by email, although it is her question.
    assert not Notification.objects.filter(recipient=scene.asha).exists()
    assert all(scene.asha.email not in m.to for m in mail.outbox)


def test_an_email_queued_before_leaving_is_not_sent_after(scene):
    # The fan-out happened while she was a member; the email task runs after she left.
    services.event_fan_out(
        event="answer.posted",
        payload={
            "answer_id": discussions.answer_create(
                author=scene.ben, thread=scene.question, body="Hello."
            ).pk,
            "thread_id": scene.question.pk,
            "community_id": scene.community.pk,
            "user_id": scene.ben.pk,
        },
    )
    n = Notification.objects.get(recipient=scene.asha)
    assert n.email_state == "pending"
    communities.community_leave(user=scene.asha, community=scene.community)
    assert notification_email_send(notification_id=n.pk) == "skipped"
    assert mail.outbox == []


def test_notifications_about_a_deleted_thread_disappear(scene, committed):
    with committed():
        discussions.answer_create(author=scene.ben, thread=scene.question, body="Hi.")
    with committed():
        discussions.thread_delete(actor=scene.asha, thread=scene.question)
    assert not Notification.objects.filter(thread_id=scene.question.pk).exists()


CHOICES = [(), ("in_app",), ("email",), ("in_app", "email")]


@pytest.mark.parametrize("chosen", CHOICES, ids=lambda c: "+".join(c) or "none")
@pytest.mark.parametrize("kind", ["answer.on_mine", "answer.followed"])
def test_the_preference_matrix_decides_the_channels(scene, committed, kind, chosen):
    """For a kind that may be emailed and one that may not, each choice of channels."""
    person = scene.asha if kind == "answer.on_mine" else scene.fay
    discussions.follow_set(user=scene.fay, thread=scene.question, following=True)
    emailable = registry.kinds[kind].email
    if "email" in chosen and not emailable:
        with pytest.raises(Exception, match="not sent by email"):
            services.preference_update(user=person, channels={kind: list(chosen)})
        return
    services.preference_update(user=person, channels={kind: list(chosen)})
    with committed():
        discussions.answer_create(author=scene.ben, thread=scene.question, body="An answer.")
    rows = Notification.objects.filter(recipient=person)
    assert selectors.unread_count(user=person) == (1 if "in_app" in chosen else 0)
    assert rows.exists() == bool(chosen)
    assert any(person.email in m.to for m in mail.outbox) == ("email" in chosen)


def test_quiet_hours_hold_the_email_until_they_end(scene, committed):
    import datetime as dt

    now = dt.datetime.now(dt.UTC)
    start = (now - dt.timedelta(hours=1)).time().replace(microsecond=0)
    end = (now + dt.timedelta(hours=1)).time().replace(microsecond=0)
    services.preference_update(user=scene.asha, quiet_start=start, quiet_end=end)
    with committed():
        discussions.answer_create(author=scene.ben, thread=scene.question, body="Late answer.")
    n = Notification.objects.get(recipient=scene.asha)
    assert n.email_state == "held" and mail.outbox == []
    services.preference_update(user=scene.asha, clear_quiet_hours=True)
    from practica.notifications.services.mail import held_emails_release

    assert held_emails_release() == 1
    assert Notification.objects.get(pk=n.pk).email_state == "sent"
    assert len(mail.outbox) == 1


def test_bad_preferences_change_nothing(scene):
    from django.core.exceptions import ValidationError

    for bad in (
        {"digest": "hourly"},
        {"channels": {"no.such.kind": ["in_app"]}},
        {"channels": {"mention": ["pigeon"]}},
        {"timezone_name": "Mars/Olympus"},
    ):
        with pytest.raises(ValidationError):
            services.preference_update(user=scene.asha, **bad)
    assert not CommunityLevel.objects.exists()
    from practica.notifications.models import Preference

    assert not Preference.objects.filter(user=scene.asha).exists()
