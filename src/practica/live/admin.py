"""Live sessions in the Django admin: for site administrators, who alone may see who wrote an
anonymous question (abuse handling)."""

from django.contrib import admin

from practica.live.models import LiveModeration, LiveNote, LiveQuestion, LiveRole, LiveSession


class LiveRoleInline(admin.TabularInline):
    model = LiveRole
    extra = 0
    raw_id_fields = ("user",)


@admin.register(LiveSession)
class LiveSessionAdmin(admin.ModelAdmin):
    list_display = ("title", "community", "starts_at", "ends_at", "status", "question_count")
    list_filter = ("status", "community")
    search_fields = ("title",)
    raw_id_fields = ("created_by", "synthesis_thread")
    inlines = [LiveRoleInline]


@admin.register(LiveQuestion)
class LiveQuestionAdmin(admin.ModelAdmin):
    list_display = ("__str__", "session", "author", "is_anonymous", "state", "votes", "created_at")
    list_filter = ("state", "is_anonymous")
    search_fields = ("body", "author__email", "author__name")
    raw_id_fields = ("session", "author", "merged_into", "thread")


@admin.register(LiveNote)
class LiveNoteAdmin(admin.ModelAdmin):
    list_display = ("__str__", "session", "author", "created_at")
    raw_id_fields = ("session", "author", "quoted")


@admin.register(LiveModeration)
class LiveModerationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "session", "actor", "action", "question")
    list_filter = ("action",)
    raw_id_fields = ("session", "actor", "question")
