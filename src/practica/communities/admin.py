from django.contrib import admin

from practica.communities.models import Community, Invitation, Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "visibility", "join_policy", "created_at"]
    list_filter = ["visibility", "join_policy"]
    search_fields = ["name", "slug", "purpose"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "community", "role", "state", "joined_at"]
    list_filter = ["role", "state"]
    search_fields = ["user__email", "user__name", "community__name"]
    autocomplete_fields = ["user", "community"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = [
        "community",
        "email",
        "role",
        "created_at",
        "expires_at",
        "used_at",
        "revoked_at",
    ]
    readonly_fields = ["nonce"]
