"""The lockout check of django-axes as the first authentication backend."""

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    """Refuses a locked-out username+address before its password is compared.

    Authentication without a request (management commands, scripts, the test client's `login`) is not a login
    from the network and has no address to lock, so it passes to the next backend instead of failing.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
