"""Read-side helpers for a round: a checklist's progress, a town's figures and last round's, who still owes input.

Which round a user sees is `assessment.scoping`'s job; deadlines and points are the engine's (`scoring.loader`).
"""

from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Subquery, Sum

from assessment.accounts import people
from assessment.models import Figure, Round, Submission


def progress(submissions):
    """Items handed in and the points they cover: of a queryset of submissions in one query, or of a list of
    loaded ones (with their criterion) without any, e.g. only the items a town owes (`assessment.todo`)."""
    if isinstance(submissions, QuerySet):
        handed_in = Q(status__in=Submission.Status.WITH_REVIEWER)
        totals = submissions.aggregate(
            done=Count("id", filter=handed_in), total=Count("id"),
            points_done=Sum("criterion__points", filter=handed_in, default=Decimal("0")),
            points_total=Sum("criterion__points", default=Decimal("0")),
        )
    else:
        done = [s for s in submissions if s.status in Submission.Status.WITH_REVIEWER]
        totals = {"done": len(done), "total": len(submissions),
                  "points_done": sum((s.criterion.points for s in done), Decimal("0")),
                  "points_total": sum((s.criterion.points for s in submissions), Decimal("0"))}
    totals["percent"] = round(100 * totals["done"] / totals["total"]) if totals["total"] else 0
    # SQLite sums decimals without their scale; show points as the standard does, with one decimal.
    for key in ("points_done", "points_total"):
        totals[key] = Decimal(totals[key]).quantize(Decimal("0.1"))
    return totals


def stored_figures(round_id, town_id):
    """A town's figures in a round: metric code → Decimal."""
    rows = Figure.objects.filter(round_id=round_id, town_id=town_id).values_list("metric__code", "value")
    return dict(rows)


# Rounds that never ran, or were struck out, are no town's "last year".
NOT_PREVIOUS = (Round.State.VOIDED, Round.State.PREPARING)


def _earlier_rounds(round_):
    return (
        Round.objects.filter(district_id=round_.district_id, rubric_id=round_.rubric_id, opens_on__lt=round_.opens_on)
        .exclude(state__in=NOT_PREVIOUS)
        .order_by("-opens_on", "-id")
    )


def previous_round(round_):
    """The latest round of the same district and rubric opened before this one (not 筹备 or 作废); None if none."""
    return _earlier_rounds(round_).first()


def previous_figures(round_, town_id):
    """A town's figures in the previous round (`previous_round`): metric code → Decimal; empty if none. One query."""
    previous = Subquery(_earlier_rounds(round_).values("id")[:1])
    return dict(Figure.objects.filter(round_id=previous, town_id=town_id).values_list("metric__code", "value"))


def last_year_values(previous, metric_codes, baselines):
    """Per metric code, the value last round's figures give it this round.

    `previous` are the town's figures of the previous round; `baselines` maps a baseline metric
    (e.g. 上一年度可防性案件数) to the figure it is the baseline of, whose last-round value it takes.
    """
    values = {}
    for code in metric_codes:
        value = previous.get(baselines.get(code, code))
        if value is not None:
            values[code] = value
    return values


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
    staffed = set(people().filter(role=User.Role.DEPARTMENT, unit__in=[link.unit_id for link in links])
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
