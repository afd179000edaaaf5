"""Role checks for views. The roles themselves are predicates on `User`; object scope is `assessment.scoping`'s job."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def requires(predicate):
    """Logged-in users for whom `User.<predicate>` holds; others get 403."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not getattr(request.user, predicate):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
