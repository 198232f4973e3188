from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django_tasks import task

from practica.learning.models import JournalWeek


@task()
def send_journal_email(journal_id: int) -> None:
    """Email a sent journal to the manager it was sent to (if it is still sent to them)."""
    journal = JournalWeek.objects.select_related("user", "sent_to").filter(pk=journal_id).first()
    if journal is None or journal.sent_to is None or journal.sent_at is None:
        return
    from practica.learning import weeks

    link = settings.SITE_URL + journal.get_report_url()
    context = {
        "journal": journal,
        "person": journal.user,
        "link": link,
        "week_label": weeks.label(journal.week),
    }
    send_mail(
        subject=f"[Practica] {journal.user.name}'s learning journal, {context['week_label']}",
        message=render_to_string("learning/email/journal.txt", context),
        from_email=None,
        recipient_list=[journal.sent_to.email],
        html_message=render_to_string("learning/email/journal.html", context),
    )
