from django import forms

from practica.communities.models import JoinPolicy, Role, Visibility


def _required_text() -> forms.TextInput:
    """A field the service requires: marked required for people and browsers, while the form
    itself lets it through so that every problem is reported at once."""
    return forms.TextInput(attrs={"required": True})


class CommunityForm(forms.Form):
    # Name and purpose are checked by the service, so every problem is reported at once.
    name = forms.CharField(max_length=80, required=False, widget=_required_text())
    slug = forms.CharField(
        label="Address",
        max_length=50,
        required=False,
        help_text="The part after /c/ in its address; made from the name when empty.",
    )
    purpose = forms.CharField(
        max_length=280,
        required=False,
        widget=_required_text(),
        help_text="Why this community exists, in a sentence.",
    )
    description = forms.CharField(
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Markdown: who it is for, how you work together, what to read first.",
    )
    visibility = forms.ChoiceField(
        choices=Visibility.choices, widget=forms.RadioSelect, initial=Visibility.PUBLIC
    )
    join_policy = forms.ChoiceField(
        label="Who can join",
        choices=JoinPolicy.choices,
        widget=forms.RadioSelect,
        initial=JoinPolicy.OPEN,
    )
    cover = forms.ImageField(required=False, help_text="A wide picture; PNG, JPEG, GIF or WebP.")
    remove_cover = forms.BooleanField(required=False, label="Remove the current cover")


class JoinForm(forms.Form):
    message = forms.CharField(
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="A note for the facilitators",
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(
        required=False, help_text="Leave empty to make a link you can share yourself."
    )
    role = forms.ChoiceField(
        choices=[(Role.MEMBER, "Member"), (Role.FACILITATOR, "Facilitator")], initial=Role.MEMBER
    )
    days = forms.IntegerField(label="Valid for (days)", min_value=1, max_value=90, initial=14)


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)
