from datetime import datetime, timedelta

from django import template
from django.utils import timezone
from django.utils.timesince import timesince

from practica.core.markdown import render

register = template.Library()


@register.filter(name="ago")
def ago(moment: datetime | None) -> str:
    """ "just now", "5 minutes ago", "3 days ago": a short, human distance in the past."""
    if moment is None:
        return ""
    if timezone.now() - moment < timedelta(minutes=1):
        return "just now"
    return f"{timesince(moment).split(',')[0]} ago"


@register.filter(name="markdown")
def markdown_filter(text: str):
    """Untrusted markdown rendered and sanitised (see core/markdown.py)."""
    return render(text)


@register.simple_tag(takes_context=True)
def sections(context, slot: str, **extra):
    """{% sections "home.main" %}: what the apps contribute to this part of the page. Fragments
    rendered without a request (cached parts such as an answer) get `request` None: sections for
    them ("post.tools") must not depend on the viewer."""
    from practica.core.sections import render_slot

    flat = {k: v for k, v in context.flatten().items() if k in ("community", "person", "is_me")}
    return render_slot(slot, context.get("request"), **flat, **extra)
