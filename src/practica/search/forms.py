from __future__ import annotations

from django import forms

KIND_CHOICES = [
    ("", "Everything"),
    ("question", "Questions"),
    ("answer", "Answers"),
    ("discussion", "Discussions"),
    ("comment", "Comments"),
    ("person", "People"),
    ("community", "Communities"),
    ("live_question", "Live questions"),
    ("live_note", "Live notes"),
]


class SearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=10_000, label="Search")
    kind = forms.ChoiceField(required=False, choices=KIND_CHOICES)
    community = forms.CharField(required=False, max_length=50)
    tag = forms.CharField(required=False, max_length=50)
    author = forms.CharField(required=False, max_length=60)
    solved = forms.BooleanField(required=False, label="Solved only")
    after = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    before = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )


class ExpertsForm(forms.Form):
    topic = forms.CharField(required=False, max_length=100, label="Topic")
    community = forms.CharField(required=False, max_length=50)
