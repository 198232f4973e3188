"""The learning pages. Each works without JavaScript (forms post and redirect with a message) and
with htmx (the same URL answers with the page's fragment)."""

from practica.learning.views.cards import (
    card_delete,
    card_edit,
    card_suspend,
    cards,
    keep,
    learner_settings,
    try_dismiss,
)
from practica.learning.views.journal import (
    journal,
    journal_send,
    journal_week,
    report,
    report_reply,
    reports,
)
from practica.learning.views.practice import practice
from practica.learning.views.review import review, review_submit
from practica.learning.views.sets import card_set, card_set_adopt, card_sets

__all__ = [
    "card_delete",
    "card_edit",
    "card_set",
    "card_set_adopt",
    "card_sets",
    "card_suspend",
    "cards",
    "journal",
    "journal_send",
    "journal_week",
    "keep",
    "learner_settings",
    "practice",
    "report",
    "report_reply",
    "reports",
    "review",
    "review_submit",
    "try_dismiss",
]
