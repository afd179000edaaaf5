"""Builds the engine's plain inputs from the database, and hands its outcomes to pages.

The engine itself never touches the ORM. Every per-item outcome a page, the
workbook or the API shows (deadline, deadline state, awarded points, points
kept after the late policy) comes from the engine through this module:
`round_results` for whole rounds, `outcomes_for` for a handful of items.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import DateTimeField, F, FilteredRelation, OuterRef, Q, Subquery, Value
from django.utils import timezone

from appeals.models import Extension
from assessment.models import Figure, Metric, Round, RoundDeadline, Submission
from assessment.rounds import _earlier_rounds, last_year_values, previous_figures
from scoring import engine


@dataclass(frozen=True)
class RoundInputs:
    criteria: tuple[engine.CriterionInput, ...]
    towns: tuple[engine.TownInput, ...]
    items: tuple[engine.ItemInput, ...]


def load_round(round_, town_ids=None):
    """The round's criteria, towns and items (only those of `town_ids`, when given), in one query."""
    # A join, not a correlated subquery: the round's deadline override, if any, of each row's criterion.
    override = FilteredRelation("criterion__round_deadlines", condition=Q(criterion__round_deadlines__round=round_))
    # In the same query: the day of the item's latest granted 延期, if any.
    granted = Extension.objects.filter(submission=OuterRef("pk"), status=Extension.Status.GRANTED)
    submissions = Submission.objects.filter(round=round_)
    if town_ids is not None:
        submissions = submissions.filter(town_id__in=town_ids)
    rows = (
        submissions
        .annotate(override=override, deadline_override=F("override__deadline"),
                  extended_to=Subquery(granted.order_by("-decided_at", "-id").values("granted_until")[:1]))
        .order_by("town__order", "town_id", "criterion_id")
        .values(
            "town_id", "town__name", "criterion_id", "criterion__code", "criterion__indicator__section__code",
            "criterion__points", "criterion__deadline", "deadline_override", "status", "completed_on", "review__points",
            "extended_to",
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
                                 row["review__points"], row["extended_to"]))
    return RoundInputs(tuple(criteria.values()), tuple(towns.values()), tuple(items))


def _item_input(town_id, criterion_id, status, completed_on, review_points, extended_to=None):
    """Points count once scored; a completion date once the item has been handed in; a granted 延期 always."""
    return engine.ItemInput(
        town_id=town_id, criterion_id=criterion_id,
        awarded=review_points if status == Submission.Status.SCORED else None,
        completed_on=completed_on if status in Submission.Status.HANDED_IN else None,
        extended_to=extended_to,
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

    The submissions need `round`, `criterion` and `review` loaded. Each round's deadlines and granted 延期 take
    one query, kept in `deadlines` (round id → them) when a caller passes the same dict to several calls.
    """
    as_of = as_of or _today()
    overrides = {} if deadlines is None else deadlines
    outcomes = {}
    for submission in submissions:
        round_ = submission.round
        if round_.pk not in overrides:
            overrides[round_.pk] = _round_dates(round_)
        outcomes[submission.pk] = _outcome(submission, overrides[round_.pk], as_of)
    return outcomes


def _round_dates(round_):
    """(criterion id → the round's deadline override, submission id → its latest granted 延期 day): one query."""
    no_time = Value(None, output_field=DateTimeField())
    overrides = RoundDeadline.objects.order_by().filter(round=round_).annotate(source=Value("deadline"), decided=no_time)
    granted = Extension.objects.order_by().filter(submission__round=round_, status=Extension.Status.GRANTED).annotate(
        source=Value("extension"), decided=F("decided_at"))
    rows = overrides.values_list("criterion_id", "deadline", "source", "decided").union(
        granted.values_list("submission_id", "granted_until", "source", "decided"), all=True).order_by("decided")
    dates = {"deadline": {}, "extension": {}}
    for key, day, source, _decided in rows:
        dates[source][key] = day  # in decision order: the latest granted 延期 wins
    return dates["deadline"], dates["extension"]


def outcome_for(submission, as_of=None):
    return outcomes_for([submission], as_of)[submission.pk]


def _outcome(submission, dates, as_of):
    overrides, extensions = dates
    criterion = submission.criterion
    deadline = overrides.get(criterion.pk, criterion.deadline)
    review = getattr(submission, "review", None) if submission.status == Submission.Status.SCORED else None
    criterion_input = engine.CriterionInput(
        id=criterion.pk, code=criterion.code, section_code="", points=criterion.points,
        deadline=engine.YearMonth(deadline.year, deadline.month),
    )
    item = _item_input(submission.town_id, criterion.pk, submission.status, submission.completed_on,
                       review.points if review else None, extensions.get(submission.pk))
    return engine.item_outcome(criterion_input, item, town_id=submission.town_id, as_of=as_of,
                               policy=late_policy(submission.round), soon_days=settings.DEADLINE_SOON_DAYS)


def propose_for(submission, as_of=None):
    """The engine's proposal for a submission from its town's figures and answers; None if the criterion has no rule.

    Staged targets are read at the round's own date (`Round.staging_date`), not today's, unless `as_of` is
    given. A baseline the town has not reported this round (上一年度可防性案件数) is last round's figure.
    """
    rule = engine.rule_from_dict(submission.criterion.rule)
    if rule is None:
        return None
    figures = dict(
        Figure.objects.filter(round_id=submission.round_id, town_id=submission.town_id, metric__code__in=rule.metrics)
        .values_list("metric__code", "value")
    )
    return propose_with(submission.criterion, submission.round, figures, submission.answers or {},
                        town_id=submission.town_id, as_of=as_of, rule=rule)


def propose_with(criterion, round_, figures, answers, *, town_id=None, as_of=None, rule=None, labels=None):
    """The engine's proposal for given figures and answers (试算), read like `propose_for`; None without a rule.

    With `town_id`, a baseline left out is that town's figure of the previous round, as the reviewer's proposal
    takes it; only the rule's own figures and answers are read. `labels` (code → label) saves their query.
    """
    rule = rule or engine.rule_from_dict(criterion.rule)
    if rule is None:
        return None
    figures = {code: figures.get(code) for code in rule.metrics if figures.get(code) is not None}
    missing = {code: source for code, source in rule.baselines.items() if figures.get(code) is None}
    if missing and town_id is not None:
        figures |= last_year_values(previous_figures(round_, town_id), missing, missing)
    if labels is None:
        labels = dict(Metric.objects.filter(rubric_id=round_.rubric_id, code__in=rule.metrics)
                      .values_list("code", "label"))
    answers = {code: answers[code] for code in rule.answers if isinstance(answers.get(code), bool)}
    return engine.propose(rule, criterion.points, figures, as_of or round_.staging_date, answers=answers,
                          metric_labels=labels)


def proposals_for(submissions, as_of=None):
    """Submission id → the engine's proposal (None if its criterion has no rule), for a page of items.

    What `propose_for` gives one item, for many at once: the figures (this round's, and the previous round's for
    baselines a town has not reported) and the metric labels of all the items take one query per round, not two
    or three per item. The submissions need `round` and `criterion` loaded.
    """
    submissions = list(submissions)
    proposals = dict.fromkeys((s.pk for s in submissions), None)
    rules = {s.pk: engine.rule_from_dict(s.criterion.rule) for s in submissions}
    by_round = {}
    for submission in submissions:
        if rules[submission.pk] is not None:
            by_round.setdefault(submission.round_id, []).append(submission)
    for items in by_round.values():
        round_ = items[0].round
        current, previous, labels = _round_figures(round_, items, [rules[s.pk] for s in items])
        for submission in items:
            rule = rules[submission.pk]
            figures = {code: current[submission.town_id, code] for code in rule.metrics
                       if (submission.town_id, code) in current}
            missing = {code: source for code, source in rule.baselines.items() if figures.get(code) is None}
            if missing:
                figures |= last_year_values(previous.get(submission.town_id, {}), missing, missing)
            proposals[submission.pk] = engine.propose(
                rule, submission.criterion.points, figures, as_of or round_.staging_date,
                answers=submission.answers or {}, metric_labels=labels,
            )
    return proposals


def _round_figures(round_, items, rules):
    """(town, code) → this round's figure, town → {code: previous round's figure}, code → label: one query.

    The rules' metrics, each outer-joined to the items' towns' figures of this round (and of the previous round,
    the same rubric's, when a rule has a baseline): a metric nobody has reported still brings its label.
    """
    codes = {code for rule in rules for code in rule.metrics}
    rounds = Q(figures__round_id=round_.pk)
    if any(rule.baselines for rule in rules):
        rounds |= Q(figures__round_id=Subquery(_earlier_rounds(round_).values("id")[:1]))
    reported = FilteredRelation("figures", condition=rounds & Q(figures__town_id__in={s.town_id for s in items}))
    rows = (
        Metric.objects.filter(rubric_id=round_.rubric_id, code__in=codes).annotate(reported=reported)
        .values_list("code", "label", "reported__round_id", "reported__town_id", "reported__value")
    )
    current, previous, labels = {}, {}, {}
    for code, label, round_id, town_id, value in rows:
        labels[code] = label
        if round_id == round_.pk:
            current[town_id, code] = value
        elif round_id is not None:
            previous.setdefault(town_id, {})[code] = value
    return current, previous, labels
