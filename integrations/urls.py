from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from integrations import views, writes

V1_SCHEMA = {"PREPROCESSING_HOOKS": ["integrations.schema.only_v1"],
             "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                                      "integrations.schema.criterion_codes"],
             "VERSION": "1.0.0", "TITLE": "六合区技防达标评估门户 系统对接 API v1"}

urlpatterns = [
    path("api/v1/schema/", SpectacularAPIView.as_view(custom_settings=V1_SCHEMA), name="api-v1-schema"),
    path("api/v1/rubric/", views.rubric, name="api-v1-rubric"),
    path("api/v1/rounds/", views.RoundList.as_view(), name="api-v1-rounds"),
    path("api/v1/rounds/<int:pk>/export/", writes.round_export, name="api-v1-round-export"),
    path("api/v1/towns/", views.TownList.as_view(), name="api-v1-towns"),
    path("api/v1/submissions/", views.SubmissionList.as_view(), name="api-v1-submissions"),
    path("api/v1/submissions/<int:pk>/", writes.SubmissionResource.as_view(), name="api-v1-submission"),
    path("api/v1/submissions/<int:pk>/submit/", writes.submission_submit, name="api-v1-submission-submit"),
    path("api/v1/submissions/<int:pk>/evidence/", writes.evidence_upload, name="api-v1-evidence-upload"),
    path("api/v1/evidence/<int:pk>/download/", views.evidence_download, name="api-v1-evidence-download"),
    path("api/v1/results/", views.results_list, name="api-v1-results"),
    path("api/v1/exports/<int:pk>/", views.export_job, name="api-v1-export"),
    path("api/v1/exports/<int:pk>/download/", views.export_download, name="api-v1-export-download"),
    path("api/v1/events/", views.event_list, name="api-v1-events"),
]
