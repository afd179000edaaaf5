"""Accounts are never deleted once they have acted: they are deactivated.

Every transition, save, upload, figure and score names its author; deleting
the account would turn that trail into "nobody". An account that never acted
in any round (a typo, a duplicate) may still be deleted.
"""

import logging

from django.db import transaction

from assessment.models import Evidence, ExportJob, Figure, Review, Submission, Transition, User

logger = logging.getLogger(__name__)


def people():
    """Active accounts of persons: who can fill, be reminded or be counted as staffing a town or unit.

    An API client's service account is active but is a system, not a person, so it never counts here.
    """
    return User.objects.filter(is_active=True, api_client__isnull=True)


def has_acted(user):
    """Whether the user left any trace in any round: as author of a row or of a history record."""
    traces = (
        Submission.objects.filter(updated_by=user),
        Figure.objects.filter(updated_by=user),
        Evidence.objects.filter(uploaded_by=user),
        Transition.objects.filter(actor=user),
        Review.objects.filter(reviewer=user),
        ExportJob.objects.filter(requested_by=user),
        Submission.history.filter(history_user=user),
        Evidence.history.filter(history_user=user),
        Figure.history.filter(history_user=user),
        Review.history.filter(history_user=user),
    )
    return any(queryset.exists() for queryset in traces)


def deactivate_user(user, *, by):
    """Deactivate `user` instead of deleting it if it has acted; return whether it did.

    Returns False for an account that never acted, which the caller may delete.
    The account row is locked so two administrators cannot race on it.
    """
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if not has_acted(locked):
            return False
        if locked.is_active:
            locked.is_active = False
            locked.save(update_fields=["is_active"])
            logger.info("account %s deactivated instead of deleted by %s", locked.username, getattr(by, "username", by))
    user.is_active = False
    return True
