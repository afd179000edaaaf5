from django.urls import path

from assessment import api, result_views, review_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("standard/", views.standard, name="standard"),
    path("items/", views.dashboard, name="dashboard"),
    path("items/<int:pk>/", views.submission_detail, name="submission"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("evidence/<int:pk>/delete/", views.evidence_delete, name="evidence-delete"),
    path("review/", review_views.review_queue, name="review-queue"),
    path("review/<int:pk>/", review_views.review_detail, name="review"),
    path("results/", result_views.results, name="results"),
    path("results/towns/<int:town_id>/", result_views.town_results, name="town-results"),
    path("api/rubric/", api.rubric_detail, name="api-rubric"),
]
