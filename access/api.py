"""The API's share of the account rules, for users the API authenticates itself (HTTP Basic)."""

from rest_framework.permissions import BasePermission

from access.middleware import STEP_MESSAGES
from access.policy import pending_step


class AccountInGoodStanding(BasePermission):
    """403 with a Chinese reason while the account must change its password or pass two-factor login first.

    An account that needs two-factor login can use the API only from a verified browser session. A call made with
    an API client's key is the system's, not a person's: the key stands in for both factors.
    """

    def has_permission(self, request, view):
        if getattr(request._request, "api_client", None) is not None:
            return True
        step = pending_step(request.user)
        if step is not None:
            self.message = str(STEP_MESSAGES[step])
            return False
        return True
