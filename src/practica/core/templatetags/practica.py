from django import template

from practica.core.markdown import render

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str):
    """Untrusted markdown rendered and sanitised (see core/markdown.py)."""
    return render(text)
