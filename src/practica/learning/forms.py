"""Forms for the learning pages. Length and emptiness rules live in the services, so the forms let
text through and every problem comes back on its field."""

from __future__ import annotations

from zoneinfo import available_timezones

from django import forms

from practica.learning.models import Visibility

RATING_CHOICES = [(1, "Again"), (2, "Hard"), (3, "Good"), (4, "Easy")]


def _text(rows: int, placeholder: str = "", *, required: bool = True) -> forms.Textarea:
    """A textarea; `required` only marks it (the services say what is missing)."""
    attrs: dict[str, object] = {"rows": rows, "placeholder": placeholder}
    if required:
        attrs["required"] = True
    return forms.Textarea(attrs=attrs)


class CardForm(forms.Form):
    prompt = forms.CharField(
        required=False,
        max_length=1000,
        widget=forms.TextInput(attrs={"required": True, "autocomplete": "off"}),
        help_text="The question you will be asked in your review.",
    )
    point = forms.CharField(
        required=False,
        max_length=10_000,
        widget=_text(4, "The point to remember, in your own words."),
        label="The point",
        help_text="Short; markdown works.",
    )
    to_try = forms.BooleanField(
        required=False, label="I want to try this in my work (ask me in a week)"
    )


class KeepForm(CardForm):
    kind = forms.CharField(required=False, widget=forms.HiddenInput)
    id = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1, max_value=2**31)
    quote = forms.CharField(required=False, max_length=10_000, widget=forms.HiddenInput)


class ReviewForm(forms.Form):
    rating = forms.TypedChoiceField(choices=RATING_CHOICES, coerce=int)
    n = forms.IntegerField(min_value=0, max_value=2**31 - 1)


class SettingsForm(forms.Form):
    time_zone = forms.ChoiceField(
        choices=[(z, z) for z in sorted(available_timezones())],
        help_text="“Due today” ends at midnight here.",
    )
    desired_retention = forms.FloatField(
        min_value=0.7,
        max_value=0.97,
        widget=forms.NumberInput(attrs={"step": "0.01"}),
        help_text="How much you want to still remember when a card comes back (0.70 to 0.97). "
        "Higher means more frequent reviews.",
    )
    daily_new_limit = forms.IntegerField(
        min_value=0, max_value=100, label="New cards a day", help_text="0 to 100."
    )


class CardSetForm(forms.Form):
    title = forms.CharField(
        required=False, max_length=400, widget=forms.TextInput(attrs={"required": True})
    )
    description = forms.CharField(required=False, max_length=2000, widget=_text(2, required=False))
    cards = forms.CharField(
        required=False,
        max_length=100_000,
        widget=_text(
            10,
            "What is a blameless review?\nOne that looks at the system, not the person.\n\nNext prompt\nIts point",
        ),
        help_text="One card per block: the prompt on the first line, the point below it, and a "
        "blank line before the next card.",
    )


class PracticeForm(forms.Form):
    tried = forms.CharField(
        required=False,
        max_length=1000,
        label="What I tried",
        widget=forms.TextInput(attrs={"required": True, "placeholder": "I applied … to …"}),
    )
    happened = forms.CharField(
        required=False, max_length=10_000, label="What happened", widget=_text(3, required=False)
    )
    visibility = forms.ChoiceField(
        choices=Visibility.choices,
        initial=Visibility.PRIVATE,
        widget=forms.RadioSelect,
        label="Who sees it",
    )
    community = forms.ChoiceField(required=False, choices=[], label="Community")
    card = forms.IntegerField(
        required=False, widget=forms.HiddenInput, min_value=1, max_value=2**31
    )

    def __init__(self, *args, communities=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["community"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—")] + [(c.slug, c.name) for c in communities]


class JournalForm(forms.Form):
    body = forms.CharField(
        required=False,
        max_length=50_000,
        widget=_text(16),
        label="Your journal",
        help_text="Markdown. Saving keeps it to yourself; sending shares it with your manager.",
    )


class ReplyForm(forms.Form):
    body = forms.CharField(required=False, max_length=10_000, widget=_text(3), label="Reply")
