"""Writes of the learning app. Each runs in a transaction, takes keyword-only arguments, checks
the policy and validates before saving; a ValidationError names the field."""

from practica.learning.services._common import AlreadyReviewed
from practica.learning.services.cards import (
    card_create,
    card_delete,
    card_review,
    card_suspend,
    card_update,
    learner_settings_update,
)
from practica.learning.services.journal import journal_reply, journal_save, journal_send
from practica.learning.services.practice import practice_log, try_prompt_dismiss
from practica.learning.services.sets import card_set_adopt, card_set_create

__all__ = [
    "AlreadyReviewed",
    "card_create",
    "card_delete",
    "card_review",
    "card_set_adopt",
    "card_set_create",
    "card_suspend",
    "card_update",
    "journal_reply",
    "journal_save",
    "journal_send",
    "learner_settings_update",
    "practice_log",
    "try_prompt_dismiss",
]
