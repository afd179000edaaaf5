from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from scoring.api import ProposeView
from scoring.views import item_trial

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(template_name="assessment/login.html"), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/v1/propose/", ProposeView.as_view(), name="api-propose"),
    path("items/<int:pk>/trial/", item_trial, name="submission-trial"),
    path("appeals/", include("appeals.urls")),
    path("", include("notices.urls")),
    path("", include("assessment.urls")),
]
