"""Forms for thread pages. Length and emptiness rules live in the services, so the forms let text
through and every problem is reported at once, on its field."""

from __future__ import annotations

from django import forms
from django.urls import reverse_lazy

from practica.discussions.models import Kind


def split_tags(raw: str) -> list[str]:
    return [t.strip() for t in (raw or "").replace("\n", ",").split(",") if t.strip()]


def _markdown(rows: int, preview: str) -> forms.Textarea:
    """A markdown textarea whose live preview (htmx) fills the element with id `preview`."""
    return forms.Textarea(
        attrs={
            "rows": rows,
            "required": True,
            "hx-post": reverse_lazy("discussions:preview"),
            "hx-trigger": "input changed delay:400ms",
            "hx-target": f"#{preview}",
            "hx-swap": "innerHTML",
            "hx-sync": "this:replace",
        }
    )


class ThreadForm(forms.Form):
    kind = forms.ChoiceField(choices=Kind.choices, initial=Kind.QUESTION, widget=forms.RadioSelect)
    title = forms.CharField(
        required=False,
        max_length=400,
        widget=forms.TextInput(attrs={"required": True, "autocomplete": "off"}),
        help_text="The question or topic in one line.",
    )
    body = forms.CharField(
        required=False,
        max_length=40_000,
        widget=_markdown(10, "body-preview"),
        help_text="Markdown: **bold**, `code`, lists, links, @handle to mention someone.",
    )
    tags = forms.CharField(
        required=False,
        max_length=300,
        help_text="Up to 5, separated by commas: deployment, on-call.",
    )

    def tag_list(self) -> list[str]:
        return split_tags(self.cleaned_data.get("tags", ""))


class ThreadEditForm(ThreadForm):
    reason = forms.CharField(
        required=False,
        max_length=400,
        label="Why this edit",
        help_text="Shown in the revision history: “fixed a typo”, “added the error message”.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["kind"]


class AnswerForm(forms.Form):
    body = forms.CharField(
        required=False,
        max_length=40_000,
        label="Your answer",
        widget=_markdown(8, "answer-preview"),
        help_text="Markdown. Say what worked for you and why.",
    )


class AnswerEditForm(AnswerForm):
    reason = ThreadEditForm.base_fields["reason"]


class CommentForm(forms.Form):
    body = forms.CharField(required=False, max_length=6_000, label="Comment")
    answer = forms.IntegerField(required=False, min_value=1)
    parent = forms.IntegerField(required=False, min_value=1)


class TagForm(forms.Form):
    name = forms.CharField(required=False, max_length=60)
    description = forms.CharField(
        required=False, max_length=400, widget=forms.Textarea(attrs={"rows": 2})
    )


class TagMergeForm(forms.Form):
    target = forms.CharField(max_length=60, label="Merge into")
