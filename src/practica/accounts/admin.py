from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from practica.accounts.models import ApiToken, ExpertiseTag, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["name", "id"]
    list_display = ["name", "email", "handle", "team", "is_active", "is_superuser"]
    search_fields = ["name", "email", "handle", "team"]
    list_filter = ["is_active", "is_superuser", "team"]
    autocomplete_fields = ["manager"]
    filter_horizontal = ["expertise", "groups", "user_permissions"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            "Profile",
            {
                "fields": (
                    "name",
                    "handle",
                    "avatar",
                    "team",
                    "manager",
                    "location",
                    "bio",
                    "expertise",
                )
            },
        ),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {"classes": ("wide",), "fields": ("email", "name", "handle", "password1", "password2")},
        ),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["key_hash", "prefix", "created_at", "last_used_at"]
    search_fields = ["name", "user__email"]


admin.site.register(ExpertiseTag, search_fields=["name"])
