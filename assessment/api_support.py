"""What every API view shares (wired up in settings.REST_FRAMEWORK): the page size, and errors that are JSON
with a Chinese `detail`, whatever the parameters. Kept apart from `assessment.api` because DRF imports these
classes while `rest_framework.generics` itself is being imported."""

import re

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.renderers import JSONRenderer
from rest_framework.views import exception_handler as drf_exception_handler

MAX_OFFSET = 2**31 - 1  # far below PostgreSQL's bigint; no list here is that long
CHINESE = re.compile(r"[\u4e00-\u9fff]")


class Pagination(LimitOffsetPagination):
    """`?limit=` (default PAGE_SIZE, at most 500) and `?offset=`.

    Anything that is not a positive number falls back to the default; a huge
    one is cut down here, so no number from a URL overflows a database integer.
    """

    max_limit = 500

    def get_offset(self, request):
        return min(super().get_offset(request), MAX_OFFSET)


def exception_handler(exc, context):
    """DRF's handler, then: Django's English 404 texts become DRF's Chinese one, validation errors get a `detail`
    summing them up, every error a stable `code` first, and every error is rendered as JSON."""
    if isinstance(exc, Http404):
        # get_object_or_404's "No Round matches the given query." is English: use DRF's Chinese text instead.
        exc = exceptions.NotFound(str(exc) if CHINESE.search(str(exc)) else None)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    request = context.get("request")
    if request is not None:
        # Errors are always JSON: also before content negotiation (an unknown `?format=`) and on the schema
        # views, whose own renderers would write them as YAML or as an OpenAPI document.
        request.accepted_renderer, request.accepted_media_type = JSONRenderer(), JSONRenderer.media_type
    if not (isinstance(response.data, dict) and "detail" in response.data):
        errors = response.data if isinstance(response.data, dict) else {"errors": response.data}
        response.data = {"detail": _("参数无效：%(errors)s") % {"errors": _summary(errors)}, **errors}
    response.data = {"code": error_code(exc), **response.data}
    return response


def error_code(exc):
    """A stable machine-readable code: DRF's own (`not_found`, `throttled`, …), `invalid` for bad parameters."""
    if isinstance(exc, exceptions.ValidationError):
        return "invalid"
    codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else None
    return codes if isinstance(codes, str) else getattr(exc, "default_code", "error")


def _summary(errors):
    parts = []
    for field, messages in errors.items():
        text = " ".join(str(m) for m in messages) if isinstance(messages, list | tuple) else str(messages)
        parts.append(text if field in ("errors", "non_field_errors") else f"{field}：{text}")
    return "；".join(parts)
