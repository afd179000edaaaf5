"""Builds the engine's plain inputs from the database.

The engine itself never touches the ORM; everything it needs for a round
comes from the one query in `load_round`.
"""

from dataclasses import dataclass

from django.db.models import F, FilteredRelation, Q
from django.utils import timezone

from assessment.models import Figure, Metric, Round, Submission
from scoring import engine


@dataclass(frozen=True)
class RoundInputs:
    criteria: tuple[engine.CriterionInput, ...]
    towns: tuple[engine.TownInput, ...]
    items: tuple[engine.ItemInput, ...]


def load_round(round_):
    """The round's criteria, towns and items, in one query."""
    # A join, not a correlated subquery: the round's deadline override, if any, of each row's criterion.
    override = FilteredRelation("criterion__round_deadlines", condition=Q(criterion__round_deadlines__round=round_))
    rows = (
        Submission.objects.filter(round=round_)
        .annotate(override=override, deadline_override=F("override__deadline"))
        .order_by("town__order", "town_id", "criterion_id")
        .values(
            "town_id", "town__name", "criterion_id", "criterion__code", "criterion__indicator__section__code",
            "criterion__points", "criterion__deadline", "deadline_override", "status", "completed_on", "review__points",
        )
    )
    criteria, towns, items = {}, {}, []
    for row in rows:
        deadline = row["deadline_override"] or row["criterion__deadline"]
        criteria.setdefault(row["criterion_id"], engine.CriterionInput(
            id=row["criterion_id"], code=row["criterion__code"], section_code=row["criterion__indicator__section__code"],
            points=row["criterion__points"], deadline=engine.YearMonth(deadline.year, deadline.month),
        ))
        towns.setdefault(row["town_id"], engine.TownInput(id=row["town_id"], name=row["town__name"]))
        handed_in = row["status"] != Submission.Status.DRAFT
        items.append(engine.ItemInput(
            town_id=row["town_id"], criterion_id=row["criterion_id"],
            awarded=row["review__points"] if row["status"] == Submission.Status.SCORED else None,
            completed_on=row["completed_on"] if handed_in else None,
        ))
    return RoundInputs(tuple(criteria.values()), tuple(towns.values()), tuple(items))


def late_policy(round_):
    if round_.late_policy == Round.LatePolicy.DEDUCT:
        return engine.LatePolicy(kind="deduct", deduction=round_.late_deduction)
    return engine.FLAG_ONLY


def round_results(round_, as_of=None):
    """Every town's sections, total, rank and 达标 for a round, as of a date (default today)."""
    inputs = load_round(round_)
    return engine.compute_results(
        inputs.criteria, inputs.towns, inputs.items,
        pass_mark=round_.pass_mark, as_of=as_of or timezone.localdate(), policy=late_policy(round_),
    )


def propose_for(submission, as_of=None):
    """The engine's proposal for a submission from its town's figures; None if the criterion has no rule."""
    rule = engine.rule_from_dict(submission.criterion.rule)
    if rule is None:
        return None
    figures = dict(
        Figure.objects.filter(round_id=submission.round_id, town_id=submission.town_id, metric__code__in=rule.metrics)
        .values_list("metric__code", "value")
    )
    labels = dict(Metric.objects.filter(rubric_id=submission.round.rubric_id, code__in=rule.metrics).values_list("code", "label"))
    return engine.propose(rule, submission.criterion.points, figures, as_of or timezone.localdate(), metric_labels=labels)
