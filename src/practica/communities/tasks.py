from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from practica.communities.models import Invitation


@task()
def send_invitation_email(invitation_id: int) -> None:
    """Email an invitation link; does nothing once the invitation is used, revoked or expired."""
    from practica.communities.services import invitation_problem, invitation_token

    invitation = (
        Invitation.objects.select_related("community", "created_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or not invitation.email or invitation_problem(invitation):
        return
    link = settings.SITE_URL + reverse(
        "communities:invitation", kwargs={"token": invitation_token(invitation)}
    )
    context = {"invitation": invitation, "link": link, "community": invitation.community}
    send_mail(
        subject=f"[Practica] You are invited to join {invitation.community.name}",
        message=render_to_string("communities/email/invitation.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
        html_message=render_to_string("communities/email/invitation.html", context),
    )
