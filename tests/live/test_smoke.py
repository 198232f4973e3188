from django.urls import reverse

from practica.live import services


def test_every_page_renders_for_moderator_and_member(live, client):
    cast, session = live
    q = services.live_question_submit(author=cast.participant, session=session, body="Why **k8s**?")
    services.live_question_upvote(user=cast.member, question=q)
    services.live_note_post(author=cast.facilitator, session=session, body="Intro done.")
    slug = cast.community.slug
    for who in (cast.facilitator, cast.member, cast.participant, cast.admin):
        client.force_login(who)
        for url in (
            session.get_absolute_url(),
            session.get_absolute_url() + "?sort=recent&notes=oldest",
            reverse("live:present", args=[slug, session.pk]),
            reverse("live:list", args=[slug]),
            reverse("live:index"),
            reverse("live:ics", args=[slug, session.pk]),
            reverse("live:feed", args=[slug]),
        ):
            r = client.get(url)
            assert r.status_code == 200, (who, url, r.content[:3000])
    client.force_login(cast.facilitator)
    for url in (
        reverse("live:edit", args=[slug, session.pk]),
        reverse("live:schedule", args=[slug]),
        reverse("live:synthesis", args=[slug, session.pk]),
    ):
        r = client.get(url)
        assert r.status_code == 200, (url, r.content[:3000])
