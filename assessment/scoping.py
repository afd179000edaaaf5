"""Who may see what. Every page, download, export and API view starts here.

A town official sees only their own town; a department official the items
whose 责任单位 name their department, in every town; reviewers, leaders and
administrators see everything. An account bound to a district (`User.district`)
sees only that district. Anything outside a user's scope is a 404.
"""

from django.shortcuts import get_object_or_404

from assessment.models import Evidence, Submission, Town, User


def submissions_for_user(user):
    submissions = Submission.objects.all()
    if not user.is_authenticated:
        return submissions.none()
    if user.role == User.Role.TOWN and user.town_id:
        return submissions.filter(town_id=user.town_id)
    if user.district_id:
        submissions = submissions.filter(town__district_id=user.district_id)
    if user.sees_all_towns:
        return submissions
    if user.role == User.Role.DEPARTMENT and user.unit_id:
        return submissions.filter(criterion__unit_links__unit_id=user.unit_id)
    return submissions.none()


def get_submission_for_user(user, pk):
    queryset = submissions_for_user(user).select_related(
        "round", "town", "criterion__indicator__section", "updated_by"
    ).prefetch_related("criterion__unit_links__unit", "criterion__metrics")
    return get_object_or_404(queryset, pk=pk)


def evidence_for_user(user):
    return Evidence.objects.filter(submission__in=submissions_for_user(user).values("pk"))


def get_evidence_for_user(user, pk):
    return get_object_or_404(evidence_for_user(user).select_related("submission__round"), pk=pk)


def get_town_for_user(user, pk):
    """A town the user's scope reaches (their own, or any for readers), else 404."""
    towns = Town.objects.all()
    if not (user.is_authenticated and user.sees_all_towns):
        towns = towns.filter(pk__in=submissions_for_user(user).values("town_id"))
    elif user.district_id:
        towns = towns.filter(district_id=user.district_id)
    return get_object_or_404(towns, pk=pk)
