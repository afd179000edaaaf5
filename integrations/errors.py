"""Errors of the API, all of one shape: {"code": "<stable code>", "detail": "<中文>", ...}.

DRF views get the shape from `assessment.api_support.exception_handler`; unknown paths under /api/ and
server errors (which never reach DRF's handler) get it here, so no HTML ever answers an /api/ request.
"""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from rest_framework import status
from rest_framework.exceptions import APIException


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "precondition_failed"
    default_detail = "数据已被他人修改，请重新读取后再保存。"


class PreconditionRequired(APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_code = "precondition_required"
    default_detail = "请在 If-Match 请求头中给出所读取的版本号。"


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = "当前状态不允许此操作。"


def is_api(request):
    return request.path.startswith("/api/")


def error(code, detail, status_code):
    return JsonResponse({"code": code, "detail": str(detail)}, status=status_code,
                        json_dumps_params={"ensure_ascii": False})


@csrf_exempt  # it changes nothing, and a POST to a mistyped path must get this 404, not the CSRF page
def api_not_found(request, *args, **kwargs):
    """Any path under /api/ that names no endpoint."""
    return error("not_found", _("没有这个接口：%(path)s") % {"path": request.path[:200]}, 404)


def page_not_found(request, exception=None, template_name="404.html"):
    if is_api(request):
        return error("not_found", _("未找到。"), 404)
    return defaults.page_not_found(request, exception)


def server_error(request, template_name="500.html"):
    if is_api(request):
        return error("server_error", _("服务器内部错误，请稍后重试；问题已记录。"), 500)
    return defaults.server_error(request)
