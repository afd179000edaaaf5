from django.urls import path

from appeals import views

app_name = "appeals"

urlpatterns = [
    path("", views.pending, name="pending"),
    path("extension/new/<int:submission_id>/", views.extension_new, name="extension-new"),
    path("extension/<int:pk>/decide/", views.extension_decide, name="extension-decide"),
    path("extension/<int:pk>/file/", views.extension_file, name="extension-file"),
    path("appeal/new/<int:submission_id>/", views.appeal_new, name="appeal-new"),
    path("appeal/<int:pk>/decide/", views.appeal_decide, name="appeal-decide"),
]
