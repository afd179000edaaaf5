from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from integrations.errors import api_not_found
from liuhe_portal.health import healthz
from scoring.api import ProposeView
from scoring.views import item_trial

# Errors under /api/ are JSON, pages keep their templates.
handler404 = "integrations.errors.page_not_found"
handler500 = "integrations.errors.server_error"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(template_name="assessment/login.html"), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("access.urls")),
    path("api/v1/propose/", ProposeView.as_view(), name="api-propose"),
    path("items/<int:pk>/trial/", item_trial, name="submission-trial"),
    path("appeals/", include("appeals.urls")),
    path("", include("notices.urls")),
    path("", include("integrations.urls")),
    path("", include("assessment.urls")),
    # Last: any other path under /api/ is a JSON 404, not the portal's HTML page.
    path("api/", api_not_found),
    path("api/<path:rest>", api_not_found, name="api-not-found"),
]
