"""Last year's round: which round it is, its figures on the item page, staged targets at the round's date, and 3.3."""

import datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.urls import reverse

from assessment.models import District, Figure, Metric, Round, Rubric, Submission
from assessment.rounds import previous_figures, previous_round
from scoring.loader import propose_for

State = Round.State


def _round(rubric, year, state=State.PUBLISHED, district=None, opens_on=None, closes_on=None):
    return Round.objects.create(
        rubric=rubric, district=district or District.objects.get(name="六合区"), name=f"{year}年度达标评估",
        opens_on=opens_on or datetime.date(year, 1, 1), closes_on=closes_on or datetime.date(year, 12, 31), state=state,
    )


def _figures(round_, town, **values):
    for code, value in values.items():
        metric = Metric.objects.get(rubric=round_.rubric, code=code)
        Figure.objects.update_or_create(round=round_, town=town, metric=metric, defaults={"value": Decimal(value)})


def _item(round_, town, criterion):
    return Submission.objects.get_or_create(round=round_, town=town, criterion=criterion)[0]


# --------------------------------------------------------------------------- previous_round


def test_previous_round_is_latest_earlier_run_round_of_same_district_and_rubric(rubric, open_round, town_a):
    older = _round(rubric, 2023, State.ARCHIVED)
    latest = _round(rubric, 2024, State.PUBLISHED)
    _round(rubric, 2025, State.VOIDED)
    _round(rubric, 2025, State.PREPARING, opens_on=datetime.date(2025, 6, 1))
    _round(rubric, 2025, district=District.objects.create(name="浦口区"))
    _round(Rubric.objects.create(title="另一版评估标准", version="2025", total_points=Decimal("100")), 2025)
    assert previous_round(open_round) == latest
    assert previous_round(latest) == older
    assert previous_round(older) is None


def test_previous_round_must_open_strictly_before(rubric, open_round):
    _round(rubric, 2026, opens_on=open_round.opens_on, closes_on=open_round.closes_on)
    assert previous_round(open_round) is None


@pytest.mark.parametrize("state", [State.OPEN, State.REVIEWING, State.PUBLISHED, State.ARCHIVED])
def test_any_round_that_ran_counts_as_previous(rubric, open_round, state):
    earlier = _round(rubric, 2025, state)
    assert previous_round(open_round) == earlier


def test_previous_figures_are_the_towns_own_from_that_round(rubric, open_round, town_a, town_b):
    before_last = _round(rubric, 2024)
    last = _round(rubric, 2025)
    _figures(before_last, town_a, cameras_total="900")
    _figures(last, town_a, cameras_total="1287", cameras_gov="150")
    _figures(last, town_b, cameras_total="50")
    _figures(open_round, town_a, cameras_total="1400")
    assert previous_figures(open_round, town_a.pk) == {"cameras_total": Decimal("1287"), "cameras_gov": Decimal("150")}
    assert previous_figures(last, town_a.pk) == {"cameras_total": Decimal("900")}
    assert previous_figures(before_last, town_a.pk) == {}


# --------------------------------------------------------------------------- staged targets follow the round


NETWORKED = {"villages_networked": True}  # 2.6's "逐步实现联网运行", answered 是


def _proposal_points(round_, town, criterion, as_of=None, answers=None, **figures):
    _figures(round_, town, **figures)
    item = _item(round_, town, criterion)
    item.answers = answers or {}
    return propose_for(item, as_of=as_of).points


@pytest.mark.parametrize(
    "today", [datetime.date(2016, 6, 30), datetime.date(2026, 11, 25), datetime.date(2031, 1, 1)],
    ids=["clock_mid_2016", "clock_2026", "clock_2031"],
)
def test_village_coverage_2_6_is_read_at_the_rounds_date_whatever_the_clock(rubric, town_a, criteria, today):
    """2.6: 80% by the end of 2015, full coverage by the end of 2016; 85% coverage meets only the first.

    Coverage is one of 2.6's two clauses (the other, 联网运行, is answered 是): met, 2 points; not met, 1."""
    coverage = {"villages_total": "100", "villages_covered": "85"}
    rounds = {year: _round(rubric, year) for year in (2015, 2016, 2026)}
    mid_2016 = _round(rubric, 2016, opens_on=datetime.date(2016, 1, 1), closes_on=datetime.date(2016, 6, 30))
    with mock.patch("django.utils.timezone.localdate", return_value=today):
        points = {year: _proposal_points(r, town_a, criteria["2.6.1"], answers=NETWORKED, **coverage)
                  for year, r in rounds.items()}
        halfway = _proposal_points(mid_2016, town_a, criteria["2.6.1"], answers=NETWORKED, **coverage)
    # The 2016 round closes on 31 December 2016, the day the full-coverage stage falls due.
    assert points == {2015: Decimal("2.0"), 2016: Decimal("1.0"), 2026: Decimal("1.0")}
    assert halfway == Decimal("2.0")


def test_access_control_2_7_2_is_read_at_the_rounds_date(rubric, town_a, criteria):
    """2.7②: 50% by the end of 2015, 70% by the end of 2016."""
    networked = {"estates_eligible": "10", "estates_networked": "6"}
    assert _proposal_points(_round(rubric, 2015), town_a, criteria["2.7②"], **networked) == Decimal("0.5")
    assert _proposal_points(_round(rubric, 2016), town_a, criteria["2.7②"], **networked) == Decimal("0.0")


def test_explicit_as_of_still_wins_over_the_rounds_date(rubric, town_a, criteria):
    round_2016 = _round(rubric, 2016)
    coverage = {"villages_total": "100", "villages_covered": "85"}
    points = _proposal_points(round_2016, town_a, criteria["2.6.1"], as_of=datetime.date(2016, 6, 30),
                              answers=NETWORKED, **coverage)
    assert points == Decimal("2.0")


# --------------------------------------------------------------------------- 3.3 against last year's count


@pytest.fixture
def item_3_3(open_round, town_a, criteria):
    return Submission.objects.get(round=open_round, town=town_a, criterion=criteria["3.3.1"])


def test_3_3_has_its_figures_and_rule(criteria):
    criterion = criteria["3.3.1"]
    assert [m.code for m in criterion.metrics.all()] == ["cases_preventable", "cases_preventable_baseline"]
    assert [m.label for m in criterion.metrics.all()] == ["可防性案件数", "上一年度可防性案件数"]
    assert criterion.rule["clauses"][0]["parts"][0]["kind"] == "decrease_at_least"
    assert "同比" in criterion.note and "同比" in criterion.indicator.section.rubric.notes


@pytest.mark.parametrize("this_year, expected", [("39", "5.0"), ("40", "0.0"), ("41", "0.0"), ("0", "5.0")])
def test_3_3_baseline_is_last_rounds_count_for_the_town(rubric, open_round, town_a, town_b, item_3_3, this_year, expected):
    last = _round(rubric, 2025)
    _figures(last, town_a, cases_preventable="40")
    _figures(last, town_b, cases_preventable="400")
    _figures(open_round, town_a, cases_preventable=this_year)
    assert propose_for(item_3_3).points == Decimal(expected)


def test_3_3_baseline_entered_this_round_wins(rubric, open_round, town_a, item_3_3):
    _figures(_round(rubric, 2025), town_a, cases_preventable="40")
    _figures(open_round, town_a, cases_preventable="35", cases_preventable_baseline="30")
    assert propose_for(item_3_3).points == Decimal("0.0")


def test_3_3_without_previous_round_needs_the_baseline_by_hand(rubric, open_round, town_a, item_3_3):
    _figures(_round(rubric, 2025, State.VOIDED), town_a, cases_preventable="40")
    _figures(open_round, town_a, cases_preventable="35")
    proposal = propose_for(item_3_3)
    assert proposal.points is None and "缺少“上一年度可防性案件数”" in proposal.explanation
    _figures(open_round, town_a, cases_preventable_baseline="36")
    assert propose_for(item_3_3).points == Decimal("5.0")


def test_3_3_zero_last_year_cannot_fall_and_counts_as_not_met(rubric, open_round, town_a, item_3_3):
    _figures(_round(rubric, 2025), town_a, cases_preventable="0")
    _figures(open_round, town_a, cases_preventable="0")
    proposal = propose_for(item_3_3)
    assert proposal.points == Decimal("0.0") and "“上一年度可防性案件数”为0，按未满足计" in proposal.explanation


# --------------------------------------------------------------------------- the item page


@pytest.fixture
def last_year(rubric, open_round, town_a):
    last = _round(rubric, 2025)
    _figures(last, town_a, cameras_total="1287", cameras_gov="150", cases_preventable="40")
    return last


def _page(client, item, **params):
    response = client.get(reverse("submission", args=[item.pk]), params)
    assert response.status_code == 200
    return response.content.decode()


def test_item_page_shows_last_years_figure_beside_each_input(client, official_a, item, last_year):
    client.force_login(official_a)
    page = _page(client, item)
    assert '<small class="muted last-year" id="last-year-metric_cameras_total">上年：1287 台</small>' in page
    assert '<small class="muted last-year" id="last-year-metric_cameras_gov">上年：150 台</small>' in page
    assert 'id="copy-previous"' in page and "沿用上年数据" in page
    assert 'name="metric_cameras_total" value' not in page  # not filled until asked


def test_copy_previous_fills_the_form_without_saving(client, official_a, open_round, town_a, item, last_year):
    _figures(open_round, town_a, cameras_total="1300")
    client.force_login(official_a)
    page = _page(client, item, copy="previous")
    assert "已填入上年数据，请核对后保存。" in page
    assert 'name="metric_cameras_total" value="1287"' in page and 'name="metric_cameras_gov" value="150"' in page
    item.refresh_from_db()
    assert item.version == 0
    assert dict(Figure.objects.filter(round=open_round, town=town_a).values_list("metric__code", "value")) == {
        "cameras_total": Decimal("1300")
    }
    assert 'name="metric_cameras_total" value="1300"' in _page(client, item)


def test_copy_previous_keeps_this_years_figure_where_last_year_has_none(client, official_a, open_round, town_a, item,
                                                                       rubric):
    _figures(_round(rubric, 2025), town_a, cameras_total="1287")
    _figures(open_round, town_a, cameras_gov="160")
    client.force_login(official_a)
    page = _page(client, item, copy="previous")
    assert 'name="metric_cameras_total" value="1287"' in page and 'name="metric_cameras_gov" value="160"' in page


def test_no_copy_button_without_previous_round(client, official_a, item):
    client.force_login(official_a)
    page = _page(client, item, copy="previous")
    assert "沿用上年数据" not in page and "上年：" not in page and "已填入上年数据" not in page


def test_no_copy_for_who_may_not_edit(client, reviewer, item, last_year):
    client.force_login(reviewer)
    page = _page(client, item, copy="previous")
    assert "上年：1287 台" in page
    assert "沿用上年数据" not in page and "已填入上年数据" not in page
    assert 'name="metric_cameras_total" value' not in page


def test_no_copy_once_the_round_is_closed_for_filling(client, official_a, open_round, item, last_year):
    Round.objects.filter(pk=open_round.pk).update(state=State.REVIEWING)
    client.force_login(official_a)
    page = _page(client, item, copy="previous")
    assert "上年：1287 台" in page and "沿用上年数据" not in page and "已填入上年数据" not in page


def test_3_3_page_prefills_baseline_from_last_round_and_saving_keeps_it(client, police, open_round, town_a, item_3_3,
                                                                      last_year):
    client.force_login(police)
    page = _page(client, item_3_3)
    assert 'name="metric_cases_preventable_baseline" value="40"' in page
    assert '<small class="muted last-year" id="last-year-metric_cases_preventable_baseline">上年：40 起</small>' in page
    assert '<small class="muted last-year" id="last-year-metric_cases_preventable">上年：40 起</small>' in page
    assert 'name="metric_cases_preventable" value' not in page
    response = client.post(reverse("submission", args=[item_3_3.pk]), {
        "narrative": "可防性案件下降。", "completed_on": "", "metric_cases_preventable": "31",
        "metric_cases_preventable_baseline": "40", "version": "0", "action": "save", "evidence_description": "",
    })
    assert response.status_code == 302
    stored = dict(Figure.objects.filter(round=open_round, town=town_a).values_list("metric__code", "value"))
    assert stored == {"cases_preventable": Decimal("31"), "cases_preventable_baseline": Decimal("40")}
    assert propose_for(item_3_3).points == Decimal("5.0")


def test_3_3_page_without_previous_round_leaves_baseline_to_be_entered(client, police, item_3_3):
    client.force_login(police)
    page = _page(client, item_3_3)
    assert 'name="metric_cases_preventable_baseline" value' not in page and "上年：" not in page


# --------------------------------------------------------------------------- the data migration


def test_migration_0005_adds_3_3_to_a_standard_loaded_before_it_and_is_idempotent(rubric, criteria):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("assessment.migrations.0005_preventable_cases")
    reread = importlib.import_module("assessment.migrations.0010_rule_answers").reread_rules
    criterion = criteria["3.3.1"]
    expected = (criterion.rule, criterion.note, rubric.notes, [(m.code, m.label, m.unit, m.kind) for m in criterion.metrics.all()])
    # The standard as migration 0002 loaded it from the fixture before 3.3 had figures.
    Metric.objects.filter(rubric=rubric, code__startswith="cases_preventable").delete()
    criterion.rule, criterion.note = None, ""
    criterion.save()
    rubric.notes = "\n".join(line for line in rubric.notes.splitlines() if not line.startswith("3.3.1"))
    rubric.save()
    for _run in range(2):
        migration.add_preventable_cases(apps, None)
        reread(apps, None)  # 0010 re-reads every rule and note from the fixture
        criterion.refresh_from_db()
        rubric.refresh_from_db()
        metrics = [(m.code, m.label, m.unit, m.kind) for m in criterion.metrics.all()]
        assert (criterion.rule, criterion.note, rubric.notes, metrics) == expected
    assert Metric.objects.filter(rubric=rubric, code__startswith="cases_preventable").count() == 2
    orders = list(Metric.objects.filter(rubric=rubric).values_list("order", flat=True))
    assert orders == sorted(orders) and len(set(orders)) == len(orders)
