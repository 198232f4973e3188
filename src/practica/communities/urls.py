from django.urls import path, re_path

from practica.communities import views

app_name = "communities"
urlpatterns = [
    path("communities/", views.directory, name="directory"),
    path("communities/new/", views.create, name="create"),
    path("c/<slug:slug>/", views.detail, name="detail"),
    path("c/<slug:slug>/members/", views.members, name="members"),
    path("c/<slug:slug>/manage/", views.manage, name="manage"),
    path("c/<slug:slug>/join/", views.join, name="join"),
    path("c/<slug:slug>/leave/", views.leave, name="leave"),
    re_path(
        r"^c/(?P<slug>[-a-zA-Z0-9_]+)/members/(?P<user_id>[0-9]+)/"
        r"(?P<action>approve|decline|remove|role)/$",
        views.member_action,
        name="member_action",
    ),
    path("c/<slug:slug>/invitations/", views.invitation_create, name="invitation_create"),
    path(
        "c/<slug:slug>/invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("invite/<str:token>/", views.invitation, name="invitation"),
]
