from __future__ import annotations

from django import forms

from practica.notifications import registry
from practica.notifications.models import Digest, Level, Webhook


class PreferencesForm(forms.Form):
    """The channel matrix (a checkbox per kind and channel), the digest and quiet hours."""

    digest = forms.ChoiceField(choices=Digest.choices, label="Email digest")
    quiet_start = forms.TimeField(required=False, label="Quiet from",
                                  widget=forms.TimeInput(attrs={"type": "time"}))  # fmt: skip
    quiet_end = forms.TimeField(required=False, label="until",
                                widget=forms.TimeInput(attrs={"type": "time"}))  # fmt: skip
    timezone = forms.CharField(max_length=60, label="Time zone", initial="UTC")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for key, kind in registry.kinds.items():
            self.fields[f"{key}__in_app"] = forms.BooleanField(required=False, label="In the app")
            if kind.email:
                self.fields[f"{key}__email"] = forms.BooleanField(required=False, label="Email")

    def matrix(self) -> list[tuple[registry.Kind, forms.BoundField, forms.BoundField | None]]:
        return [
            (kind, self[f"{key}__in_app"], self[f"{key}__email"] if kind.email else None)
            for key, kind in registry.kinds.items()
        ]

    def clean(self) -> dict:
        data = super().clean() or {}
        if bool(data.get("quiet_start")) != bool(data.get("quiet_end")):
            self.add_error("quiet_end", "Give both the start and the end of quiet hours.")
        return data

    def channels(self) -> dict[str, list[str]]:
        data = self.cleaned_data
        return {
            key: [c for c in registry.CHANNELS if data.get(f"{key}__{c}")] for key in registry.kinds
        }


class WebhookForm(forms.Form):
    url = forms.CharField(max_length=500, label="Address (http:// or https://)",
                          widget=forms.URLInput(attrs={"placeholder": "https://hooks.example.com/…"}))  # fmt: skip
    events = forms.MultipleChoiceField(choices=(), widget=forms.CheckboxSelectMultiple,
                                       label="Send these events")  # fmt: skip
    format = forms.ChoiceField(choices=Webhook.Format.choices, label="Payload")
    active = forms.BooleanField(required=False, initial=True, label="Active")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["events"].choices = [  # type: ignore[attr-defined]
            (e.name, e.label) for e in registry.webhook_events.values()
        ]


LEVEL_CHOICES = [
    (Level.WATCH, "Watch: every new thread"),
    (Level.NORMAL, "Normal: what involves me"),
    (Level.MUTE, "Mute: only what is addressed to me"),
]
