from allauth.account.adapter import DefaultAccountAdapter

from practica.accounts.services import user_save_new


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up goes through our `user_save_new`, which names the user and gives them a handle."""

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.name = (form.cleaned_data.get("name") or "").strip()
        if commit:
            user_save_new(user=user)
        return user
