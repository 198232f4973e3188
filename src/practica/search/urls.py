from django.urls import path

from practica.search import views

app_name = "search"
urlpatterns = [
    path("search/", views.search, name="search"),
    path("search/instant/", views.instant, name="instant"),
    path("search/similar/", views.similar, name="similar"),
    path("search/people/", views.experts, name="experts"),  # people/<handle>/ is a profile
]
