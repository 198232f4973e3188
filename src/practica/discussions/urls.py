from django.urls import path

from practica.discussions import views

app_name = "discussions"
urlpatterns = [
    path("asked/", views.asked, name="asked"),
    path("ask/", views.ask_any, name="ask_any"),
    path("preview/", views.preview, name="preview"),
    path("c/<slug:slug>/images/", views.image_upload, name="image_upload"),
    path("c/<slug:slug>/questions/", views.questions, name="questions"),
    path("c/<slug:slug>/discussions/", views.discussions, name="discussions"),
    path("c/<slug:slug>/ask/", views.ask, name="ask"),
    path("c/<slug:slug>/t/<int:pk>/", views.thread_detail, name="thread"),
    path("c/<slug:slug>/t/<int:pk>/vote/", views.thread_vote, name="thread_vote"),
    path("c/<slug:slug>/t/<int:pk>/react/", views.thread_react, name="thread_react"),
    path("c/<slug:slug>/t/<int:pk>/follow/", views.thread_follow, name="thread_follow"),
    path("c/<slug:slug>/t/<int:pk>/ask/", views.thread_ask_experts, name="thread_ask"),
    path("c/<slug:slug>/t/<int:pk>/answers/", views.answer_create, name="answer_create"),
    path("c/<slug:slug>/t/<int:pk>/comments/", views.comment_create, name="comment_create"),
    path("c/<slug:slug>/t/<int:pk>/edit/", views.thread_edit, name="thread_edit"),
    path("c/<slug:slug>/t/<int:pk>/delete/", views.thread_delete, name="thread_delete"),
    path("c/<slug:slug>/t/<int:pk>/wiki/", views.thread_wiki, name="thread_wiki"),
    path("c/<slug:slug>/t/<int:pk>/revisions/", views.thread_revisions, name="thread_revisions"),
    path(
        "c/<slug:slug>/t/<int:pk>/revisions/<int:number>/rollback/",
        views.thread_rollback,
        name="thread_rollback",
    ),
    path("c/<slug:slug>/a/<int:pk>/vote/", views.answer_vote, name="answer_vote"),
    path("c/<slug:slug>/a/<int:pk>/accept/", views.answer_accept, name="answer_accept"),
    path("c/<slug:slug>/a/<int:pk>/edit/", views.answer_edit, name="answer_edit"),
    path("c/<slug:slug>/a/<int:pk>/delete/", views.answer_delete, name="answer_delete"),
    path("c/<slug:slug>/a/<int:pk>/revisions/", views.answer_revisions, name="answer_revisions"),
    path("c/<slug:slug>/comments/<int:pk>/react/", views.comment_react, name="comment_react"),
    path("c/<slug:slug>/comments/<int:pk>/delete/", views.comment_delete, name="comment_delete"),
    path("c/<slug:slug>/tags/", views.tags, name="tags"),
    path("c/<slug:slug>/tags/<slug:tag>/", views.tag_detail, name="tag"),
    path("c/<slug:slug>/tags/<slug:tag>/edit/", views.tag_edit, name="tag_edit"),
    path("c/<slug:slug>/tags/<slug:tag>/merge/", views.tag_merge, name="tag_merge"),
]
