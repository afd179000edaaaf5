"""Role checks for views. Object scope is `assessment.scoping`'s job."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from assessment.models import User

REVIEWERS = {User.Role.REVIEWER, User.Role.ADMIN}
READERS = {User.Role.REVIEWER, User.Role.ADMIN, User.Role.VIEWER}


def role_required(roles):
    """Logged-in users of these roles (or superusers) only; others get 403."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not (request.user.is_superuser or request.user.role in roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
