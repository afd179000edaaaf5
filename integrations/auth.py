"""Authentication and throttling of API clients.

`Authorization: Api-Key <key>` (parsed by djangorestframework-api-key's KeyParser) authenticates as the client's
service account; `request.auth` is the client. Missing credentials on a protected view give 401 with
`WWW-Authenticate: Api-Key` because this class is listed first.
"""

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions, throttling
from rest_framework_api_key.permissions import KeyParser

from integrations.models import ApiClient

SCHEME = "Api-Key"


class ApiKeyAuthentication(authentication.BaseAuthentication):
    key_parser = KeyParser()

    def authenticate(self, request):
        key = self.key_parser.get(request)
        if key is None:
            return None
        try:
            client = ApiClient.objects.get_from_key(key.strip())
        except ApiClient.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("API 密钥无效或已被吊销。")) from None
        if client.has_expired:
            raise exceptions.AuthenticationFailed(_("API 密钥已过期。"))
        # Tells the call log which client made this call (see integrations.middleware).
        request._request.api_client = client
        return client.user, client

    def authenticate_header(self, request):
        return f'{SCHEME} realm="api"'


class OptionalBasicAuthentication(authentication.BasicAuthentication):
    """HTTP Basic, only while API_BASIC_AUTH is on: read per request, so the switch needs no restart of the views."""

    def authenticate(self, request):
        if not settings.API_BASIC_AUTH:
            return None
        return super().authenticate(request)


class ClientRateThrottle(throttling.SimpleRateThrottle):
    """Each client has its own limit (`ApiClient.rate`); people with a session are not limited here."""

    scope = "api_client"

    def __init__(self):
        pass  # the rate is the client's, read per request

    def allow_request(self, request, view):
        if not isinstance(request.auth, ApiClient):
            return True
        self.rate = request.auth.rate
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
