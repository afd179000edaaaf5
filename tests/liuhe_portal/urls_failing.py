"""The portal's URLs plus views that fail, for the logging tests."""

from django.http import HttpResponse
from django.urls import path

from liuhe_portal.urls import urlpatterns as portal


def explode(request):
    raise RuntimeError("export broke")


def unavailable(request):
    return HttpResponse("维护中", status=503)


urlpatterns = [path("explode/", explode), path("unavailable/", unavailable), *portal]
