from django import forms
from django.core.exceptions import ValidationError


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has one."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, messages in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)


def clean_body(value: str, errors: dict[str, str], *, field: str, limit: int, what: str) -> str:
    """`value` stripped; an error under `field` when it is empty or longer than `limit`."""
    value = (value or "").strip()
    if not value:
        errors[field] = f"Write something: an empty {what} helps nobody."
    elif len(value) > limit:
        errors[field] = f"Keep the {what} under {limit:,} characters (it has {len(value):,})."
    return value
