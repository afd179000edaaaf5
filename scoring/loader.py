"""Builds the engine's plain inputs from the database, and hands its outcomes to pages.

The engine itself never touches the ORM. Every per-item outcome a page, the
workbook or the API shows (deadline, deadline state, awarded points, points
kept after the late policy) comes from the engine through this module:
`round_results` for whole rounds, `outcomes_for` for a handful of items.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import F, FilteredRelation, Q
from django.utils import timezone

from assessment.models import Figure, Metric, Round, RoundDeadline, Submission
from assessment.rounds import last_year_values, previous_figures
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
        items.append(_item_input(row["town_id"], row["criterion_id"], row["status"], row["completed_on"],
                                 row["review__points"]))
    return RoundInputs(tuple(criteria.values()), tuple(towns.values()), tuple(items))


def _item_input(town_id, criterion_id, status, completed_on, review_points):
    """Points count once scored; a completion date once the item has been handed in."""
    return engine.ItemInput(
        town_id=town_id, criterion_id=criterion_id,
        awarded=review_points if status == Submission.Status.SCORED else None,
        completed_on=completed_on if status in Submission.Status.HANDED_IN else None,
    )


def late_policy(round_):
    """The round's late policy as the engine reads it; the only place the setting is interpreted."""
    if round_.late_policy == Round.LatePolicy.DEDUCT:
        return engine.LatePolicy(kind="deduct", deduction=round_.late_deduction)
    return engine.FLAG_ONLY


def _today():
    return timezone.localdate(timezone=timezone.get_default_timezone())


def round_results(round_, as_of=None):
    """Every town's sections, total, rank, 达标 and item outcomes for a round, as of a date (default today)."""
    inputs = load_round(round_)
    return engine.compute_results(
        inputs.criteria, inputs.towns, inputs.items, pass_mark=round_.pass_mark, as_of=as_of or _today(),
        policy=late_policy(round_), soon_days=settings.DEADLINE_SOON_DAYS,
    )


def town_result(round_, town_id, as_of=None):
    """One town's standing in its round (its rank needs the whole round); None if it has no items there."""
    return next((row for row in round_results(round_, as_of) if row.town_id == town_id), None)


def deadlines_of(round_):
    """Criterion id → the round's deadline override (first day of the month), where one is set."""
    return dict(RoundDeadline.objects.filter(round=round_).values_list("criterion_id", "deadline"))


def outcomes_for(submissions, as_of=None, deadlines=None):
    """Submission id → the engine's `ItemOutcome`, for a few submissions of one or more rounds.

    The submissions need `round`, `criterion` and `review` loaded. Each round's deadlines take one query,
    kept in `deadlines` (round id → overrides) when a caller passes the same dict to several calls.
    """
    as_of = as_of or _today()
    overrides = {} if deadlines is None else deadlines
    outcomes = {}
    for submission in submissions:
        round_ = submission.round
        if round_.pk not in overrides:
            overrides[round_.pk] = deadlines_of(round_)
        outcomes[submission.pk] = _outcome(submission, overrides[round_.pk], as_of)
    return outcomes


def outcome_for(submission, as_of=None):
    return outcomes_for([submission], as_of)[submission.pk]


def _outcome(submission, overrides, as_of):
    criterion = submission.criterion
    deadline = overrides.get(criterion.pk, criterion.deadline)
    review = getattr(submission, "review", None) if submission.status == Submission.Status.SCORED else None
    criterion_input = engine.CriterionInput(
        id=criterion.pk, code=criterion.code, section_code="", points=criterion.points,
        deadline=engine.YearMonth(deadline.year, deadline.month),
    )
    item = _item_input(submission.town_id, criterion.pk, submission.status, submission.completed_on,
                       review.points if review else None)
    return engine.item_outcome(criterion_input, item, town_id=submission.town_id, as_of=as_of,
                               policy=late_policy(submission.round), soon_days=settings.DEADLINE_SOON_DAYS)


def propose_for(submission, as_of=None):
    """The engine's proposal for a submission from its town's figures; None if the criterion has no rule.

    Staged targets are read at the round's own date (`Round.staging_date`), not today's, unless `as_of` is
    given. A baseline the town has not reported this round (上一年度可防性案件数) is last round's figure.
    """
    rule = engine.rule_from_dict(submission.criterion.rule)
    if rule is None:
        return None
    round_ = submission.round
    figures = dict(
        Figure.objects.filter(round_id=round_.pk, town_id=submission.town_id, metric__code__in=rule.metrics)
        .values_list("metric__code", "value")
    )
    missing = {code: source for code, source in rule.baselines.items() if figures.get(code) is None}
    if missing:
        figures |= last_year_values(previous_figures(round_, submission.town_id), missing, missing)
    labels = dict(Metric.objects.filter(rubric_id=round_.rubric_id, code__in=rule.metrics).values_list("code", "label"))
    return engine.propose(rule, submission.criterion.points, figures, as_of or round_.staging_date, metric_labels=labels)
