"""Stored results: each round's standing kept in `TownResult` / `SectionResult`, written only from the engine.

Writes: every service that can change a number calls `refresh(round_, town_ids)` inside its own transaction. The
towns named are recomputed from their own items by the engine, then the round is re-ranked in one ORM pass over
the stored totals (competition ranking, as the engine's). The round row is locked while this happens, so two
writes in one round cannot rank against each other's half-written totals.

The points never depend on the day they are read: an item counts only once scored, and a scored item always has
its completion date, so its deadline state (on time or late) is fixed. Only the count of open items past their
deadline (`overdue`) moves with the calendar; rows carry the day they were computed for, and a round whose rows are
from an earlier day is recomputed as a whole before it is read (and by the daily task), once a day.

Reads: `results_for_round` (every town, no items), `results_for_town` (one town, with its items' outcomes computed
from that town's items alone), `round_rows` for a paged, sorted or searched list.
"""

import threading
from contextlib import contextmanager
from dataclasses import dataclass, replace
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q, Window
from django.db.models.functions import Rank
from django.utils import timezone

from assessment.models import Round, Section, Submission
from scoring import engine
from scoring.loader import late_policy, load_round, outcomes_for
from scoring.models import SectionResult, TownResult

UPDATED_FIELDS = ["total", "awarded", "rank", "passed", "scored", "item_count", "late", "overdue", "computed_for",
                  "computed_at"]


def _today():
    return timezone.localdate(timezone=timezone.get_default_timezone())


# --------------------------------------------------------------------------- writing

_batch = threading.local()


@contextmanager
def deferred():
    """For bulk loaders (the demo, seed_scale): a one-item refresh asked for inside the block is done once per round
    when the block ends without error, instead of after every write. Whole-round refreshes still run at once, so a
    read inside the block finds rows, though not yet the block's latest writes."""
    if getattr(_batch, "rounds", None) is not None:
        yield
        return
    _batch.rounds = {}
    try:
        yield
        rounds = _batch.rounds
    finally:
        _batch.rounds = None
    for round_ in rounds.values():
        refresh(round_)



def _compute(round_, town_ids=None, *, as_of):
    """The engine's results for a round (only `town_ids`' towns when given; ranks then cover only those)."""
    inputs = load_round(round_, town_ids)
    return engine.compute_results(
        inputs.criteria, inputs.towns, inputs.items, pass_mark=round_.pass_mark, as_of=as_of,
        policy=late_policy(round_), soon_days=settings.DEADLINE_SOON_DAYS,
    )


@transaction.atomic
def refresh(round_, town_ids=None, as_of=None):
    """Recompute and store the results of `town_ids`' towns (every town when None), then re-rank the round.

    The whole round is recomputed instead when its rows are missing or were computed for another day.
    """
    pending = getattr(_batch, "rounds", None)
    if pending is not None and town_ids is not None:
        pending[round_.pk] = round_
        return
    as_of = as_of or _today()
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    if town_ids is not None and not _fresh(round_, as_of):
        town_ids = None
    results = _compute(round_, town_ids, as_of=as_of)
    _write(round_, results, as_of)
    if town_ids is None:
        TownResult.objects.filter(round=round_).exclude(town_id__in=[r.town_id for r in results]).delete()
    _rerank(round_)


def refresh_town(submission):
    """After a write to one item: its town's results, and the round's ranks."""
    refresh(submission.round, [submission.town_id])


def refresh_rubric(rubric_id):
    """After a change to the standard: every round that applies it (voided ones have nothing to show)."""
    for round_ in Round.objects.filter(rubric_id=rubric_id).exclude(state=Round.State.VOIDED):
        refresh(round_)


def refresh_for_today():
    """The daily run: recompute every round still in use whose rows are from an earlier day (overdue counts)."""
    in_use = Round.State.SCORING | {Round.State.PUBLISHED}
    for round_ in Round.objects.filter(state__in=in_use).order_by("id"):
        ensure_fresh(round_)


def _fresh(round_, as_of):
    """Whether the round has stored rows and all were computed for `as_of`: one query."""
    counts = TownResult.objects.filter(round=round_).aggregate(
        rows=Count("id"), stale=Count("id", filter=~Q(computed_for=as_of)))
    return counts["rows"] > 0 and counts["stale"] == 0


def _write(round_, results, as_of):
    rows = [
        TownResult(
            round=round_, town_id=r.town_id, total=r.total, awarded=_awarded(r), rank=r.rank, passed=r.passed, scored=r.scored, item_count=len(r.items), late=r.late, overdue=r.overdue,
            computed_for=as_of,
        )
        for r in results
    ]
    TownResult.objects.bulk_create(rows, update_conflicts=True, unique_fields=["round", "town"],
                                   update_fields=UPDATED_FIELDS, batch_size=500)
    section_ids = dict(Section.objects.filter(rubric_id=round_.rubric_id).values_list("code", "id"))
    sections = [
        SectionResult(result_id=row.pk, section_id=section_ids[code], points=points)
        for row, result in zip(rows, results, strict=True) for code, points in result.sections.items()
    ]
    SectionResult.objects.bulk_create(sections, update_conflicts=True, unique_fields=["result", "section"],
                                      update_fields=["points"], batch_size=1000)


def _rerank(round_):
    """Competition ranks (1, 1, 3) of the stored totals, in one read; only changed ranks are written."""
    ranked = (TownResult.objects.filter(round=round_).annotate(position=Window(Rank(), order_by=F("total").desc()))
              .values_list("pk", "rank", "position"))
    changed = [TownResult(pk=pk, rank=position) for pk, rank, position in ranked if rank != position]
    TownResult.objects.bulk_update(changed, ["rank"], batch_size=500)


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class StoredResult:
    """What pages read of one town's standing; the same names as the engine's `TownResult`.

    `items` holds the item outcomes only where one town is shown (`results_for_town`).
    """

    town_id: int
    town_name: str
    sections: dict[str, Decimal]
    total: Decimal
    awarded: Decimal
    rank: int
    passed: bool | None
    overdue: int
    scored: int
    late: int
    item_count: int
    items: tuple[engine.ItemOutcome, ...] = ()

    @property
    def final(self) -> bool:
        return self.scored == self.item_count

    def item(self, criterion_id):
        return next((outcome for outcome in self.items if outcome.criterion_id == criterion_id), None)


ORDERINGS = {
    "rank": ("rank", "town__name", "town_id"),
    "-rank": ("-rank", "town__name", "town_id"),
    "town": ("town__order", "town__name", "town_id"),
    "-scored": ("-scored", "rank", "town__name", "town_id"),
    "-overdue": ("-overdue", "rank", "town__name", "town_id"),
}


def ensure_fresh(round_):
    """Recompute the round first if its rows are missing or from an earlier day (see the module's docstring);
    True if it did."""
    if _fresh(round_, _today()):
        return False
    refresh(round_)
    return True


def round_rows(round_, order="rank", search=""):
    """The round's `TownResult` rows with their towns, in `ORDERINGS[order]`, whose town name contains `search`.

    Rows read from an earlier day (or none at all) make the round recompute first; fresh rows cost one query.
    """
    rows = TownResult.objects.filter(round=round_).select_related("town").order_by(*ORDERINGS.get(order, ORDERINGS["rank"]))
    if search:
        rows = rows.filter(town__name__icontains=search)
    found = list(rows)
    today = _today()
    if (not found or any(row.computed_for != today for row in found)) and ensure_fresh(round_):
        found = list(rows.all())
    return found


def as_results(rows):
    """`StoredResult`s of `TownResult` rows (towns loaded), their section points read in one query."""
    rows = list(rows)
    points = {}
    sections = SectionResult.objects.filter(result_id__in=[row.pk for row in rows]).values_list(
        "result_id", "section__code", "points")
    for result_id, code, value in sections:
        points.setdefault(result_id, {})[code] = value
    return [_stored(row, points.get(row.pk, {})) for row in rows]


def _stored(row, sections, items=()):
    return StoredResult(
        town_id=row.town_id, town_name=row.town.name, sections=sections, total=row.total, awarded=row.awarded,
        rank=row.rank, passed=row.passed, overdue=row.overdue, scored=row.scored, late=row.late,
        item_count=row.item_count, items=items,
    )


def results_for_round(round_):
    """Every town's stored standing, by rank then name, without item outcomes: three queries."""
    return as_results(round_rows(round_))


def _town_row(round_, town_id):
    return TownResult.objects.filter(round=round_, town_id=town_id).select_related("town").first()


def results_for_town(round_, town_id, submissions=None):
    """One town's stored standing with its items' outcomes, from that town's rows and items alone; None if the town
    has no items in the round. `submissions` (the town's, with `criterion` and `review` loaded) saves their query."""
    row = _town_row(round_, town_id)
    if (row is None or row.computed_for != _today()) and ensure_fresh(round_):
        row = _town_row(round_, town_id)
    if row is None:
        return None
    if submissions is None:
        submissions = Submission.objects.filter(round=round_, town_id=town_id).select_related("criterion", "review")
    submissions = list(submissions)
    for submission in submissions:
        submission.round = round_  # the same round: no query per item
    outcomes = sorted(outcomes_for(submissions).values(), key=lambda outcome: outcome.criterion_id)
    return replace(as_results([row])[0], items=tuple(outcomes))


# --------------------------------------------------------------------------- checking


def differences(round_):
    """How the stored rows of a round differ from the engine's results computed from scratch now, in words.

    Computed for the day the rows were (today when there are none), so a day's passing is not a difference.
    """
    rows = {row.town_id: row for row in TownResult.objects.filter(round=round_).select_related("town")}
    as_of = min((row.computed_for for row in rows.values()), default=None) or _today()
    stored_sections = {}
    for result_id, code, points in SectionResult.objects.filter(result__round=round_).values_list(
            "result_id", "section__code", "points"):
        stored_sections.setdefault(result_id, {})[code] = points
    found = []
    for result in _compute(round_, as_of=as_of):
        row = rows.pop(result.town_id, None)
        if row is None:
            found.append(f"{result.town_name}：未保存结果")
            continue
        expected = _numbers(result.total, _awarded(result), result.rank, result.passed, result.scored,
                            len(result.items), result.late, result.overdue, result.sections)
        actual = _numbers(row.total, row.awarded, row.rank, row.passed, row.scored, row.item_count, row.late,
                          row.overdue, stored_sections.get(row.pk, {}))
        found += [f"{result.town_name}：{name} 应为 {expected[name]}，保存的是 {actual[name]}"
                  for name in expected if expected[name] != actual[name]]
    found += [f"{row.town.name}：多余的保存结果" for row in rows.values()]
    return found


def _awarded(result):
    return sum((outcome.awarded or engine.ZERO for outcome in result.items), engine.ZERO)


def _numbers(total, awarded, rank, passed, scored, item_count, late, overdue, sections):
    return {"total": total, "awarded": awarded, "rank": rank, "passed": passed, "scored": scored,
            "item_count": item_count, "late": late, "overdue": overdue, "sections": dict(sorted(sections.items()))}
