from django.contrib import admin
from django.urls import include, path, re_path

from practica.api.api import api
from practica.core import views as core_views

admin.site.site_header = "Practica administration"
admin.site.site_title = "Practica admin"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("", include("practica.accounts.urls")),
    path("", include("practica.communities.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    re_path(r"^media/(?P<path>.+)$", core_views.media, name="media"),
]

handler400 = "practica.core.views.error_400"
handler403 = "practica.core.views.error_403"
handler404 = "practica.core.views.error_404"
handler500 = "practica.core.views.error_500"
