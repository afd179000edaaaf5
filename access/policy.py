"""What an account must do before it may use the portal: change its password, set up or pass two-factor login."""

import datetime

from django.conf import settings
from django.utils import timezone
from django_otp import user_has_device


def two_factor_required(user):
    return settings.REQUIRE_2FA and user.is_authenticated and user.needs_second_factor


def password_expired(user, now=None):
    """Older than PASSWORD_MAX_AGE_DAYS (0: never); a password of unknown age counts as expired."""
    days = settings.PASSWORD_MAX_AGE_DAYS
    if not days:
        return False
    changed = user.password_changed_at
    return changed is None or changed <= (now or timezone.now()) - datetime.timedelta(days=days)


def must_change_password(user):
    return user.must_change_password or password_expired(user)


def pending_step(user):
    """The first thing `user` must do before any other page: "password", "enrol", "verify", or None.

    Two-factor login comes first: a password change is itself an action of a verified session.
    """
    if not user.is_authenticated:
        return None
    # `is_verified` is set by django-otp's middleware; a user authenticated by the API itself has none.
    if two_factor_required(user) and not getattr(user, "is_verified", lambda: False)():
        return "verify" if user_has_device(user) else "enrol"
    if must_change_password(user):
        return "password"
    return None
