from django.urls import path

from practica.accounts import views

app_name = "accounts"
urlpatterns = [
    path("people/<slug:handle>/", views.profile, name="profile"),
    path("settings/profile/", views.profile_edit, name="profile_edit"),
    path("settings/tokens/", views.tokens, name="tokens"),
    path("settings/tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
]
