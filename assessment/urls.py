from django.urls import path

from assessment import api, views

urlpatterns = [
    path("", views.home, name="home"),
    path("standard/", views.standard, name="standard"),
    path("items/", views.dashboard, name="dashboard"),
    path("items/<int:pk>/", views.submission_detail, name="submission"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("evidence/<int:pk>/delete/", views.evidence_delete, name="evidence-delete"),
    path("api/rubric/", api.rubric_detail, name="api-rubric"),
]
