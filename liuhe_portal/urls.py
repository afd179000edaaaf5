from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from liuhe_portal.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(template_name="assessment/login.html"), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("access.urls")),
    path("appeals/", include("appeals.urls")),
    path("", include("notices.urls")),
    path("", include("assessment.urls")),
]
