from django.urls import path

from practica.learning import views

app_name = "learning"
urlpatterns = [
    path("review/", views.review, name="review"),
    path("review/cards/<int:pk>/", views.review_submit, name="review_submit"),
    path("learn/cards/", views.cards, name="cards"),
    path("learn/keep/", views.keep, name="keep"),
    path("learn/cards/<int:pk>/", views.card_edit, name="card_edit"),
    path("learn/cards/<int:pk>/delete/", views.card_delete, name="card_delete"),
    path("learn/cards/<int:pk>/suspend/", views.card_suspend, name="card_suspend"),
    path("learn/cards/<int:pk>/not-tried/", views.try_dismiss, name="try_dismiss"),
    path("learn/settings/", views.learner_settings, name="settings"),
    path("learn/practice/", views.practice, name="practice"),
    path("learn/journal/", views.journal, name="journal"),
    path("learn/journal/<str:week>/", views.journal_week, name="journal_week"),
    path("learn/journal/<str:week>/send/", views.journal_send, name="journal_send"),
    path("learn/reports/", views.reports, name="reports"),
    path("learn/reports/<int:pk>/", views.report, name="report"),
    path("learn/reports/<int:pk>/reply/", views.report_reply, name="report_reply"),
    path("learn/sets/<int:pk>/", views.card_set, name="card_set"),
    path("learn/sets/<int:pk>/adopt/", views.card_set_adopt, name="card_set_adopt"),
    path("c/<slug:slug>/card-sets/", views.card_sets, name="card_sets"),
]
