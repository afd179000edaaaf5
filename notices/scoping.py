"""Who sees which messages, announcements and urges; like `assessment.scoping`, anything else is a 404."""

from django.db.models import IntegerField, Q, Subquery
from django.shortcuts import get_object_or_404

from assessment.models import Town, User
from assessment.scoping import rounds_for_user
from notices.models import Announcement, Message, Urge

BANNER_SIZE = 3  # unread announcements named at the top of every page


def messages_for_user(user):
    """One's own messages, never anybody else's."""
    if not user.is_authenticated:
        return Message.objects.none()
    return Message.objects.filter(user_id=user.pk)


def announcements_for_user(user):
    """Announcements of the rounds the user sees, and those to everyone of the user's district (of its city's
    districts for a city-level account, of every district for the province)."""
    if not user.is_authenticated:
        return Announcement.objects.none()
    general = Q(round__isnull=True)
    if user.town_id:
        general &= Q(district__isnull=True) | Q(district_id__in=Town.objects.filter(pk=user.town_id).values("district_id"))
    elif user.district_id:
        general &= Q(district__isnull=True) | Q(district_id=user.district_id)
    elif user.city_id:
        general &= Q(district__isnull=True) | Q(district__city_id=user.city_id)
    return Announcement.objects.filter(general | Q(round__in=rounds_for_user(user).values("pk")))


def unread_announcements(user):
    return announcements_for_user(user).exclude(reads__user_id=user.pk)


def get_announcement_for_user(user, pk):
    return get_object_or_404(announcements_for_user(user).select_related("round", "posted_by"), pk=pk)


def urges_for_user(user):
    """催办 records are the reviewers': those of the rounds they see."""
    if not (user.is_authenticated and user.can_review):
        return Urge.objects.none()
    return Urge.objects.filter(round__in=rounds_for_user(user).values("pk"))


class SubqueryCount(Subquery):
    """COUNT(*) of a queryset as a scalar subquery."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _count)"
    output_field = IntegerField()


def summary(user):
    """What every page shows of notices, in one query: unread messages, unread announcements, and the first few of
    those (id, title), pinned first."""
    unread = unread_announcements(user).order_by("-pinned", "-posted_at", "-id")
    annotations = {
        "unread_messages": SubqueryCount(messages_for_user(user).filter(read_at__isnull=True).order_by().values("pk")),
        "unread_announcements": SubqueryCount(unread.order_by().values("pk")),
    }
    for n in range(BANNER_SIZE):
        annotations[f"id{n}"] = Subquery(unread.values("pk")[n:n + 1])
        annotations[f"title{n}"] = Subquery(unread.values("title")[n:n + 1])
    row = User.objects.filter(pk=user.pk).values("pk").annotate(**annotations).first() or {}
    return {
        "unread_messages": row.get("unread_messages", 0),
        "unread_announcements": row.get("unread_announcements", 0),
        "announcements": [(row[f"id{n}"], row[f"title{n}"]) for n in range(BANNER_SIZE) if row.get(f"id{n}")],
    }
