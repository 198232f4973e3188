from __future__ import annotations

from typing import cast

from django import forms

from practica.accounts.models import User


class SignupExtraForm(forms.Form):
    """Fields allauth's sign-up form gains: the name people will see."""

    name = forms.CharField(
        label="Your name", max_length=120, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    field_order = ["name", "email", "password1", "password2"]

    def signup(self, request, user) -> None:  # allauth calls this; the adapter already saved it
        pass


class ProfileForm(forms.Form):
    name = forms.CharField(label="Display name", max_length=120)
    handle = forms.SlugField(max_length=40, help_text="Used in @mentions and your profile address.")
    team = forms.CharField(max_length=120, required=False)
    manager = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, help_text="Who you tell what you learned."
    )
    location = forms.CharField(max_length=120, required=False)
    bio = forms.CharField(
        label="Short bio", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    expertise = forms.CharField(
        required=False,
        max_length=1000,
        help_text="Comma-separated topics you know well, e.g. kubernetes, incident review.",
    )
    avatar = forms.ImageField(required=False, help_text="PNG, JPEG, GIF or WebP.")
    remove_avatar = forms.BooleanField(required=False, label="Remove the current picture")

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        manager = cast(forms.ModelChoiceField, self.fields["manager"])
        manager.queryset = User.objects.filter(is_active=True).exclude(pk=user.pk)

    def expertise_list(self) -> list[str]:
        return [t for t in self.cleaned_data.get("expertise", "").split(",") if t.strip()]


class TokenForm(forms.Form):
    name = forms.CharField(max_length=80, help_text="What will use it, e.g. “CI reporting script”.")
