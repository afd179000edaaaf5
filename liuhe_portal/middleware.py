"""Request-wide middleware of the portal: a request id for the logs, and no caching of pages with personal data."""

import re
import uuid

from django.utils.cache import patch_cache_control

from liuhe_portal.logs import request_id

# An id from the proxy is kept only if it cannot forge log lines: letters, digits, "-", "_", ".", at most 64.
INCOMING_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def request_id_middleware(get_response):
    """Sets the request's id (the proxy's `X-Request-ID` if sane, else a new uuid4) for every log record written
    while the request runs, and returns it in the `X-Request-ID` response header."""

    def middleware(request):
        incoming = request.headers.get("X-Request-ID", "")
        value = incoming if INCOMING_ID.fullmatch(incoming) else uuid.uuid4().hex
        request.request_id = value
        token = request_id.set(value)
        try:
            response = get_response(request)
        finally:
            request_id.reset(token)
        response["X-Request-ID"] = value
        return response

    return middleware


def no_store_middleware(get_response):
    """Every answer to a logged-in user may hold personal data: no browser or proxy may keep it. Static files never
    get here (WhiteNoise answers them first); a response that set its own Cache-Control keeps it, with no-store
    added."""

    def middleware(request):
        response = get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if response.has_header("Cache-Control"):
                patch_cache_control(response, no_store=True, private=True)
            else:
                response["Cache-Control"] = "no-store"
        return response

    return middleware
