from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from assessment import account_views, api, export_views, result_views, review_views, round_views, setup_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("standard/", views.standard, name="standard"),
    path("rounds/", round_views.round_list, name="round-list"),
    path("rounds/switch/", round_views.round_switch, name="round-switch"),
    path("rounds/new/", round_views.round_new, name="round-new"),
    path("rounds/<int:pk>/", round_views.round_detail, name="round-detail"),
    path("rounds/<int:pk>/state/", round_views.round_change_state, name="round-state"),
    path("rounds/<int:pk>/delete/", round_views.round_delete, name="round-delete"),
    path("standard/export/", export_views.standard_export, name="standard-export"),
    path("rounds/setup-check/", setup_views.setup_check_page, name="setup-check"),
    path("accounts/import/", account_views.accounts_import, name="accounts-import"),
    path("items/", views.dashboard, name="dashboard"),
    path("items/<int:pk>/", views.submission_detail, name="submission"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("evidence/<int:pk>/delete/", views.evidence_delete, name="evidence-delete"),
    path("review/", review_views.review_queue, name="review-queue"),
    path("review/<int:pk>/", review_views.review_detail, name="review"),
    path("results/", result_views.results, name="results"),
    path("results/charts/", result_views.results_dashboard, name="results-dashboard"),
    path("results/export/", export_views.round_export, name="round-export"),
    path("results/towns/<int:town_id>/", result_views.town_results, name="town-results"),
    path("results/towns/<int:town_id>/export/", export_views.town_export, name="town-export"),
    path("exports/<int:pk>/", export_views.export_job, name="export-job"),
    path("exports/<int:pk>/status/", export_views.export_job_status, name="export-job-status"),
    path("exports/<int:pk>/download/", export_views.export_job_download, name="export-job-download"),
    path("api/rubric/", api.rubric_detail, name="api-rubric"),
    path("api/rounds/", api.RoundList.as_view(), name="api-rounds"),
    path("api/submissions/", api.SubmissionList.as_view(), name="api-submissions"),
    path("api/submissions/<int:pk>/", api.SubmissionDetail.as_view(), name="api-submission"),
    path("api/results/", api.results_list, name="api-results"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
]
