from django.urls import path

from practica.notifications import views

app_name = "notifications"
urlpatterns = [
    path("notifications/", views.notification_list, name="list"),
    path("notifications/count/", views.bell, name="bell"),
    path("notifications/read/", views.notifications_read_all, name="read_all"),
    path("notifications/<int:pk>/read/", views.notification_read, name="read"),
    path("notifications/preferences/", views.preferences, name="preferences"),
    path("notifications/preferences/communities/", views.community_levels, name="levels"),
    path("notifications/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("c/<slug:slug>/webhooks/", views.webhook_list, name="webhooks"),
    path("c/<slug:slug>/webhooks/<int:pk>/", views.webhook_detail, name="webhook"),
    path("c/<slug:slug>/webhooks/<int:pk>/delete/", views.webhook_delete, name="webhook_delete"),
    path(
        "c/<slug:slug>/webhooks/deliveries/<int:pk>/redeliver/",
        views.delivery_redeliver,
        name="redeliver",
    ),
]
