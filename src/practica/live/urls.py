from django.urls import path

from practica.live import views

app_name = "live"
urlpatterns = [
    path("live/", views.index, name="index"),
    path("l/<int:pk>/", views.join, name="join"),
    path("c/<slug:slug>/live/", views.community_list, name="list"),
    path("c/<slug:slug>/live/schedule/", views.schedule, name="schedule"),
    path("c/<slug:slug>/live/calendar.ics", views.feed, name="feed"),
    path("c/<slug:slug>/live/<int:pk>/", views.detail, name="session"),
    path("c/<slug:slug>/live/<int:pk>/edit/", views.edit, name="edit"),
    path("c/<slug:slug>/live/<int:pk>/present/", views.present, name="present"),
    path("c/<slug:slug>/live/<int:pk>/session.ics", views.session_ics, name="ics"),
    path("c/<slug:slug>/live/<int:pk>/start/", views.start, name="start"),
    path("c/<slug:slug>/live/<int:pk>/end/", views.end, name="end"),
    path("c/<slug:slug>/live/<int:pk>/questions/", views.ask, name="ask"),
    path("c/<slug:slug>/live/<int:pk>/merge/", views.merge, name="merge"),
    path("c/<slug:slug>/live/<int:pk>/notes/", views.note_create, name="note_create"),
    path("c/<slug:slug>/live/<int:pk>/synthesis/", views.synthesis, name="synthesis"),
    path("c/<slug:slug>/live/<int:pk>/move-to-qa/", views.move_to_qa, name="move_to_qa"),
    path("c/<slug:slug>/live/q/<int:pk>/vote/", views.vote, name="vote"),
    path("c/<slug:slug>/live/q/<int:pk>/edit/", views.question_edit, name="question_edit"),
    path("c/<slug:slug>/live/q/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("c/<slug:slug>/live/q/<int:pk>/moderate/", views.moderate, name="moderate"),
    path("c/<slug:slug>/live/n/<int:pk>/edit/", views.note_edit, name="note_edit"),
]
