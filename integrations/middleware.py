"""What every /api/ response gets besides its body: the call log of API clients (one INSERT per call), the
deprecation notice on the old unversioned paths, and ETag / 304 on successful reads of /api/v1/."""

import datetime

from django.utils.cache import get_conditional_response, set_response_etag
from django.utils.http import http_date

from integrations.models import ApiCall

# The unversioned /api/ paths answer until this day (README: API); /api/v1/ replaces them.
SUNSET = http_date(datetime.datetime(2027, 6, 30, 23, 59, 59, tzinfo=datetime.UTC).timestamp())
DEPRECATED_SINCE = int(datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC).timestamp())


class ApiMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        path = request.path
        if not path.startswith("/api/"):
            return response
        if not path.startswith("/api/v1/"):
            response["Deprecation"] = f"@{DEPRECATED_SINCE}"
            response["Sunset"] = SUNSET
            response["Link"] = '</api/v1/schema/>; rel="successor-version"'
        elif request.method in ("GET", "HEAD") and response.status_code == 200 and not response.streaming:
            response = _conditional(request, response)
        client = getattr(request, "api_client", None)
        if client is not None:
            ApiCall.objects.create(client=client, method=request.method[:8], endpoint=path[:200],
                                   status=response.status_code)
        return response


def _conditional(request, response):
    """A strong ETag of the body; a matching If-None-Match gets 304 with no body."""
    if not response.has_header("ETag"):
        set_response_etag(response)
    return get_conditional_response(request, etag=response["ETag"], response=response)
