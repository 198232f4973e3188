from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from practica.accounts import views as account_views
from practica.api.api import api
from practica.core import views as core_views

admin.site.site_header = "Practica administration"
admin.site.site_title = "Practica admin"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("favicon.ico", RedirectView.as_view(url=static("practica/mark.svg")), name="favicon"),
    path("accounts/login/", account_views.LoginView.as_view(), name="account_login"),
    path("accounts/", include("allauth.urls")),
    path("", include("practica.accounts.urls")),
    path("", include("practica.communities.urls")),
    path("", include("practica.discussions.urls")),
    path("", include("practica.search.urls")),
    path("", include("practica.live.urls")),
    path("", include("practica.notifications.urls")),
    path("", include("practica.learning.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    re_path(r"^media/(?P<path>.+)$", core_views.media, name="media"),
]

handler400 = "practica.core.views.error_400"
handler403 = "practica.core.views.error_403"
handler404 = "practica.core.views.error_404"
handler500 = "practica.core.views.error_500"
