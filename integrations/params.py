"""Strict reading of query parameters: a value that is not what the schema says is a 400 naming the parameter,
never a silent default. Ids are positive integers; a well-formed id outside the caller's scope filters to
nothing in a list (and is a 404 in a path)."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination

from assessment.api_support import MAX_OFFSET
from assessment.scoping import MAX_ID

MAX_LIMIT = 500


def invalid(name, message):
    return ValidationError({name: [message]})


def number(raw, name, *, minimum, maximum):
    """An integer in minimum..maximum written in ASCII digits, else a 400."""
    if not (raw.isascii() and raw.isdigit()) or not minimum <= int(raw) <= maximum:
        raise invalid(name, _("应为 %(min)s 到 %(max)s 之间的整数。") % {"min": minimum, "max": maximum})
    return int(raw)


def query_id(request, name):
    """`?<name>=` as an id (1 … 2³¹−1), None when absent."""
    raw = request.query_params.get(name)
    return None if raw is None else number(raw, name, minimum=1, maximum=MAX_ID)


def query_datetime(request, name):
    """`?<name>=` as an aware datetime (RFC 3339, e.g. 2026-05-01T08:00:00+08:00), None when absent."""
    raw = request.query_params.get(name)
    if raw is None:
        return None
    text = raw.strip().replace("t", "T").replace("z", "Z")
    # RFC 3339 allows a leap second; Python does not: read it as the second before.
    text = text[:17] + "59" + text[19:] if text[17:19] == "60" else text
    try:
        moment = datetime.datetime.fromisoformat(text)
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        moment.astimezone(datetime.UTC)  # a year-1 time east of UTC does not exist in UTC
    except (ValueError, OverflowError):
        raise invalid(name, _("应为带时区的日期时间，如 2026-05-01T08:00:00+08:00。")) from None
    return moment


def query_ordering(request, allowed, default):
    """`?ordering=` as a list of order_by terms: names from `allowed` (public name → field), each optionally
    with a leading `-`, comma-separated; anything else is a 400."""
    raw = request.query_params.get("ordering")
    if raw is None:
        return list(default)
    terms = []
    for part in raw.split(","):
        name = part.strip().removeprefix("-")
        if name not in allowed:
            raise invalid("ordering", _("不支持按“%(name)s”排序，可选：%(names)s。") % {
                "name": part.strip()[:30], "names": "、".join(allowed)})
        terms.append(("-" if part.strip().startswith("-") else "") + allowed[name])
    if all(term.lstrip("-") != "id" for term in terms):
        terms.append("id")  # a stable order for paging
    return terms


class StrictPagination(LimitOffsetPagination):
    """`?limit=` (1…500, default 100) and `?offset=` (0…2³¹−1); anything else is a 400."""

    default_limit = 100
    max_limit = MAX_LIMIT

    def get_limit(self, request):
        raw = request.query_params.get(self.limit_query_param)
        return self.default_limit if raw is None else number(raw, "limit", minimum=1, maximum=self.max_limit)

    def get_offset(self, request):
        raw = request.query_params.get(self.offset_query_param)
        return 0 if raw is None else number(raw, "offset", minimum=0, maximum=MAX_OFFSET)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        bounds = {"limit": {"minimum": 1, "maximum": self.max_limit, "default": self.default_limit},
                  "offset": {"minimum": 0, "maximum": MAX_OFFSET, "default": 0}}
        for parameter in parameters:
            parameter["schema"].update(bounds[parameter["name"]])
        return parameters
