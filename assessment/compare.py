"""区县对比: a city's districts, or the province's cities, ranked by their towns' results in one year.

Invariants:
- Only rounds of one rubric version are compared. Rounds of the year under another version, and a district's
  older rounds of the same year and version, are listed apart (`Comparison.apart`) and never counted.
- Each district counts with its newest round of the year and version (`opens_on`, then id).
- A row's 平均总分 is the mean of its towns' totals (each town counts once, so a city's mean is over all its
  districts' towns, not a mean of district means), to 0.01; its 达标率 is the share of towns that meet their own
  round's 达标线 among towns whose round sets one, in percent to 0.1, None when no round sets one.
- Every figure comes from the engine through `town_results_by_round`, the one place this page reads results.
"""

from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from appeals.models import Extension
from assessment.models import City, Round, RoundDeadline, Submission
from assessment.scoping import parse_id, rounds_for_user
from scoring import engine
from scoring.loader import _item_input, _today, late_policy

ORDERS = ("mean", "pass_rate")
NO_CITY = 0  # the key of the row gathering districts not yet assigned to a city


@dataclass
class Standing:
    """One row: a district (with its round) or a city (with its districts' rounds)."""

    key: int
    name: str
    rounds: list = field(default_factory=list)
    towns: int = 0
    total_sum: Decimal = Decimal("0")
    passed: int = 0
    with_mark: int = 0
    final: int = 0
    rank: int | None = None

    def add(self, round_, results):
        self.rounds.append(round_)
        self.towns += len(results)
        self.total_sum += sum((row.total for row in results), Decimal("0"))
        self.final += sum(1 for row in results if row.final)
        if round_.pass_mark is not None:
            self.with_mark += len(results)
            self.passed += sum(1 for row in results if row.passed)

    @property
    def mean_total(self):
        if not self.towns:
            return None
        return (self.total_sum / self.towns).quantize(Decimal("0.01"), ROUND_HALF_UP)

    @property
    def pass_rate(self):
        if not self.with_mark:
            return None
        return (Decimal(100 * self.passed) / self.with_mark).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass
class Comparison:
    level: str  # "district" rows or "city" rows
    city: City | None = None
    years: list = field(default_factory=list)
    year: int | None = None
    rubrics: list = field(default_factory=list)
    rubric: object = None
    order: str = "mean"
    rows: list = field(default_factory=list)
    apart: list = field(default_factory=list)  # (round, why it is not compared)


def compare_for_user(user, *, year=None, rubric=None, city=None, order=None):
    """The comparison a city- or province-level reader asked for; 404 for a year, version or city out of reach.

    A city-level account always sees its own city's districts; a province-level one sees cities, or with `city`
    the districts of that city (`NO_CITY`: districts without a city).
    """
    rounds = list(rounds_for_user(user).exclude(state=Round.State.PREPARING).select_related("district__city", "rubric"))
    city_id = user.city_id if user.city_id is not None else _city_id(city)
    result = Comparison(level="district" if city_id is not None else "city", order=order if order in ORDERS else "mean")
    if city_id not in (None, NO_CITY):
        result.city = user.city if user.city_id is not None else get_object_or_404(City, pk=city_id)
    if city_id is not None:
        rounds = [r for r in rounds if (r.district.city_id or NO_CITY) == city_id]
    result.years = sorted({r.year for r in rounds}, reverse=True)
    if not result.years:
        return result
    result.year = _pick(result.years, parse_id(year, "year"), "year")
    same_year = [r for r in rounds if r.year == result.year]
    result.rubrics, result.rubric = _rubrics(same_year, parse_id(rubric, "rubric"))
    compared = _newest_per_district(same_year, result)
    results = town_results_by_round(compared)
    result.rows = _rank(_standings(compared, results, result.level), result.order)
    return result


def _city_id(raw):
    """`?city=` as an id; "0" names the districts without a city."""
    return NO_CITY if raw == str(NO_CITY) else parse_id(raw, "city")


def _pick(choices, wanted, name):
    if wanted is None:
        return choices[0]
    if wanted not in choices:
        raise _nothing_to_compare(name)
    return wanted


def _nothing_to_compare(name):
    return Http404(_("参数 %(name)s 无效：没有可对比的考评。") % {"name": name})


def _rubrics(rounds, wanted_id):
    """The rubric versions used this year (most used first, then newest) and the one to compare."""
    uses = Counter(r.rubric_id for r in rounds)
    rubrics = sorted({r.rubric_id: r.rubric for r in rounds}.values(), key=lambda rb: rb.version, reverse=True)
    rubrics.sort(key=lambda rb: -uses[rb.pk])  # stable: among equally used versions the newest stays first
    chosen = rubrics[0] if wanted_id is None else next((rb for rb in rubrics if rb.pk == wanted_id), None)
    if chosen is None:
        raise _nothing_to_compare("rubric")
    return rubrics, chosen


def _newest_per_district(rounds, result):
    """Each district's newest round of the chosen version; every other round of the year goes to `result.apart`."""
    newest = {}
    for round_ in sorted(rounds, key=lambda r: (r.opens_on, r.pk), reverse=True):
        if round_.rubric_id != result.rubric.pk:
            result.apart.append((round_, "rubric"))
        elif round_.district_id in newest:
            result.apart.append((round_, "older"))
        else:
            newest[round_.district_id] = round_
    return list(newest.values())


def _standings(rounds, results, level):
    rows = {}
    for round_ in rounds:
        district = round_.district
        if level == "district":
            key, name = district.pk, district.name
        else:
            key, name = (district.city_id or NO_CITY), (district.city.name if district.city_id else None)
        row = rows.setdefault(key, Standing(key=key, name=name))
        row.add(round_, results.get(round_.pk, []))
    return list(rows.values())


def _rank(rows, order):
    """Best first by the chosen figure, the other breaking ties; equal figures share a rank (1, 1, 3)."""
    def figures(row):
        mean = row.mean_total if row.mean_total is not None else Decimal("-1")
        rate = row.pass_rate if row.pass_rate is not None else Decimal("-1")
        return (mean, rate) if order == "mean" else (rate, mean)

    rows.sort(key=lambda row: (figures(row), -row.key), reverse=True)
    for position, row in enumerate(rows, start=1):
        previous = rows[position - 2] if position > 1 else None
        row.rank = previous.rank if previous is not None and figures(previous) == figures(row) else position
    return rows


def town_results_by_round(rounds):
    """Round id → its towns' `engine.TownResult`s, exactly as `scoring.loader.round_results` gives them per round.

    The one read of results on this page, in two queries whatever the number of rounds and towns: when results
    are stored, this is the function to switch.
    """
    by_id = {round_.pk: round_ for round_ in rounds}
    if not by_id:
        return {}
    overrides = {(r, c): day for r, c, day in
                 RoundDeadline.objects.filter(round_id__in=by_id).values_list("round_id", "criterion_id", "deadline")}
    inputs = {pk: ({}, {}, []) for pk in by_id}
    for row in _item_rows(by_id):
        criteria, towns, items = inputs[row["round_id"]]
        deadline = overrides.get((row["round_id"], row["criterion_id"]), row["criterion__deadline"])
        criteria.setdefault(row["criterion_id"], engine.CriterionInput(
            id=row["criterion_id"], code=row["criterion__code"], section_code=row["criterion__indicator__section__code"],
            points=row["criterion__points"], deadline=engine.YearMonth(deadline.year, deadline.month),
        ))
        towns.setdefault(row["town_id"], engine.TownInput(id=row["town_id"], name=row["town__name"]))
        items.append(_item_input(row["town_id"], row["criterion_id"], row["status"], row["completed_on"],
                                 row["review__points"], row["extended_to"]))
    as_of = _today()
    return {pk: engine.compute_results(
        tuple(criteria.values()), tuple(towns.values()), tuple(items), pass_mark=by_id[pk].pass_mark, as_of=as_of,
        policy=late_policy(by_id[pk]), soon_days=settings.DEADLINE_SOON_DAYS,
    ) for pk, (criteria, towns, items) in inputs.items()}


def _item_rows(round_ids):
    """Every item of these rounds with what the engine reads, and its latest granted 延期 in the same query."""
    granted = Extension.objects.filter(submission=OuterRef("pk"), status=Extension.Status.GRANTED)
    return (
        Submission.objects.filter(round_id__in=round_ids)
        .annotate(extended_to=Subquery(granted.order_by("-decided_at", "-id").values("granted_until")[:1]))
        .order_by("round_id", "town__order", "town_id", "criterion_id")
        .values("round_id", "town_id", "town__name", "criterion_id", "criterion__code",
                "criterion__indicator__section__code", "criterion__points", "criterion__deadline", "status",
                "completed_on", "review__points", "extended_to")
    )
