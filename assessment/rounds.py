"""Read-side helpers for a round: a checklist's progress, a town's figures, who still owes input.

Which round a user sees is `assessment.scoping`'s job; deadlines and points are the engine's (`scoring.loader`).
"""

from decimal import Decimal

from django.db.models import Count, Q, Sum

from assessment.models import Figure, Submission


def progress(submissions):
    """Items handed in and the points they cover, of a queryset of submissions, in one query."""
    handed_in = Q(status__in=Submission.Status.WITH_REVIEWER)
    totals = submissions.aggregate(
        done=Count("id", filter=handed_in), total=Count("id"),
        points_done=Sum("criterion__points", filter=handed_in, default=Decimal("0")),
        points_total=Sum("criterion__points", default=Decimal("0")),
    )
    totals["percent"] = round(100 * totals["done"] / totals["total"]) if totals["total"] else 0
    # SQLite sums decimals without their scale; show points as the standard does, with one decimal.
    for key in ("points_done", "points_total"):
        totals[key] = Decimal(totals[key]).quantize(Decimal("0.1"))
    return totals


def stored_figures(round_id, town_id):
    """A town's figures in a round: metric code → Decimal."""
    rows = Figure.objects.filter(round_id=round_id, town_id=town_id).values_list("metric__code", "value")
    return dict(rows)


def unit_input(submission):
    """For each 责任单位 of the item: has it given input yet (True/False), or has it no account (None)?

    Input means having saved the item or uploaded evidence for it. Town-level
    units answer through the town's officials, district units through the
    department officials bound to them.
    """
    from assessment.models import Evidence, ResponsibleUnit, User

    editors = set(Submission.history.filter(id=submission.id).values_list("history_user__role", "history_user__unit_id"))
    editors |= set(Evidence.history.filter(submission_id=submission.id).values_list("history_user__role", "history_user__unit_id"))
    links = list(submission.criterion.unit_links.all())
    staffed = set(User.objects.filter(role=User.Role.DEPARTMENT, unit__in=[link.unit_id for link in links], is_active=True)
                  .values_list("unit_id", flat=True))
    rows = []
    for link in links:
        unit = link.unit
        if unit.level == ResponsibleUnit.Level.TOWN:
            rows.append((unit.name, any(role == User.Role.TOWN for role, _unit in editors)))
        elif unit.id in staffed:
            rows.append((unit.name, (User.Role.DEPARTMENT, unit.id) in editors))
        else:
            rows.append((unit.name, None))
    return rows
