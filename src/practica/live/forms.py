"""Forms for the live pages. Length, time and role rules live in the services, so the forms let
input through and every problem is reported at once, on its field."""

from __future__ import annotations

from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from django import forms
from django.utils import timezone

from practica.accounts.models import User
from practica.communities.models import Community, MembershipState
from practica.live.models import LiveSession, QuestionsOpen

LOCAL = "%Y-%m-%dT%H:%M"


@cache
def zone_choices() -> list[tuple[str, str]]:
    return [
        (z, z.replace("_", " ")) for z in sorted(available_timezones()) if "/" in z or z == "UTC"
    ]


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=LOCAL, **kwargs)


class PeopleField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: User) -> str:  # type: ignore[override]
        return obj.name


class SessionForm(forms.Form):
    title = forms.CharField(
        required=False, max_length=300, widget=forms.TextInput(attrs={"required": True})
    )
    description = forms.CharField(
        required=False,
        max_length=12_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Markdown: what the session is about, who is speaking, what to read first.",
    )
    starts_at = forms.DateTimeField(
        label="Starts",
        required=True,
        input_formats=[LOCAL, "%Y-%m-%d %H:%M"],
        widget=LocalDateTimeInput(),
    )
    ends_at = forms.DateTimeField(
        label="Ends",
        required=True,
        input_formats=[LOCAL, "%Y-%m-%d %H:%M"],
        widget=LocalDateTimeInput(),
    )
    time_zone = forms.ChoiceField(
        choices=(), initial="UTC", help_text="The times above are in this time zone."
    )
    meeting_url = forms.CharField(
        required=False,
        max_length=600,
        label="Video meeting link",
        help_text="Where people watch and listen; Practica does not do video.",
    )
    hosts = PeopleField(queryset=User.objects.none(), required=False, help_text="Who answers.")
    moderators = PeopleField(
        queryset=User.objects.none(), required=False, help_text="Who keeps the question queue."
    )
    curators = PeopleField(
        queryset=User.objects.none(), required=False, help_text="Who writes the live notes."
    )
    questions_open = forms.ChoiceField(
        choices=QuestionsOpen.choices,
        initial=QuestionsOpen.SCHEDULED,
        widget=forms.RadioSelect,
        label="Questions open",
    )
    allow_anonymous = forms.BooleanField(required=False, label="Allow anonymous questions")
    premoderate = forms.BooleanField(
        required=False, label="Moderators approve questions before they show"
    )

    def __init__(self, *args, community: Community, session: LiveSession | None = None, **kwargs):
        if session is not None and "initial" not in kwargs:
            tz = ZoneInfo(session.time_zone)
            kwargs["initial"] = {
                "title": session.title,
                "description": session.description,
                "starts_at": session.starts_at.astimezone(tz).replace(tzinfo=None),
                "ends_at": session.ends_at.astimezone(tz).replace(tzinfo=None),
                "time_zone": session.time_zone,
                "meeting_url": session.meeting_url,
                "questions_open": session.questions_open,
                "allow_anonymous": session.allow_anonymous,
                "premoderate": session.premoderate,
                **{
                    f: [r.user_id for r in session.roles.all() if r.role == role]
                    for f, role in (
                        ("hosts", "host"),
                        ("moderators", "moderator"),
                        ("curators", "curator"),
                    )
                },
            }
        super().__init__(*args, **kwargs)
        members = User.objects.filter(
            memberships__community=community, memberships__state=MembershipState.ACTIVE
        ).order_by("name")
        for f in ("hosts", "moderators", "curators"):
            self.fields[f].queryset = members  # type: ignore[attr-defined]
        self.fields["time_zone"].choices = zone_choices()  # type: ignore[attr-defined]

    def service_data(self) -> dict:
        """The cleaned data for the services, with the times read in the chosen time zone
        (Django's form field reads them in the server's)."""
        data = dict(self.cleaned_data)
        tz = data.get("time_zone") or "UTC"
        for f in ("starts_at", "ends_at"):
            if data.get(f) is not None:
                data[f] = timezone.make_naive(data[f]).replace(tzinfo=ZoneInfo(tz))
        for f in ("hosts", "moderators", "curators"):
            data[f] = list(data[f])
        return data


class QuestionForm(forms.Form):
    body = forms.CharField(
        required=False,
        max_length=2_000,
        label="Your question",
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 500, "required": True}),
        help_text="Up to 500 characters. **bold**, `code` and links work.",
    )
    anonymous = forms.BooleanField(required=False, label="Ask anonymously")


class QuestionEditForm(forms.Form):
    body = QuestionForm.base_fields["body"]


class NoteForm(forms.Form):
    body = forms.CharField(
        required=False,
        max_length=12_000,
        label="Note",
        widget=forms.Textarea(attrs={"rows": 3, "required": True}),
        help_text="Markdown. Posted with the time.",
    )
    quoted = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "note_%s")  # the question form on the same page has a body
        super().__init__(*args, **kwargs)


class SynthesisForm(forms.Form):
    body = forms.CharField(
        required=False,
        max_length=40_000,
        label="Synthesis",
        widget=forms.Textarea(attrs={"rows": 20}),
        help_text="Markdown. It becomes a discussion in the community, linked to this session.",
    )
