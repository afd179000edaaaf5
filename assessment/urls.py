from django.urls import path

from assessment import api, views

urlpatterns = [
    path("", views.home, name="home"),
    path("standard/", views.standard, name="standard"),
    path("api/rubric/", api.rubric_detail, name="api-rubric"),
]
