"""Stored results stay equal to the engine's, computed from scratch, after any sequence of writes through the services."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from appeals import services as appeals
from appeals.models import Extension
from assessment import round_services, services
from assessment.models import Evidence, Round, Submission
from scoring import stored
from scoring.loader import round_results
from scoring.models import SectionResult, TownResult
from tests.factories import upload

ON_TIME, LATE = datetime.date(2016, 12, 1), datetime.date(2026, 10, 1)  # the standard's deadlines are in 2017
# Filling and scoring are drawn more often than the rest, so that most sequences have points to move.
KINDS = ("fill", "score", "score", "return", "withdraw", "extend", "appeal", "state", "state", "policy", "pass_mark")

action = st.tuples(st.sampled_from(KINDS), st.integers(0, 5), st.integers(0, 40))


def _items(round_, officials):
    """Three items each town itself answers, for each of the two towns."""
    chosen = []
    for official in officials:
        mine = Submission.objects.filter(round=round_, town=official.town).prefetch_related("criterion__unit_links__unit")
        chosen += [item.pk for item in mine.order_by("criterion_id") if official.can_fill(item)][:3]
    return chosen


def _fresh(pk):
    return Submission.objects.select_related("round", "criterion", "updated_by").get(pk=pk)


def _fill(item, official, param):
    saved = services.save_draft(
        item, user=official, narrative="说明", completed_on=LATE if param % 2 else ON_TIME,
        figures={metric: Decimal(param) for metric in item.criterion.metrics.all()}, version=item.version,
    )
    if not Evidence.objects.filter(submission=saved).exists():
        services.add_evidence(saved, user=official, upload=upload(), description="d")
    services.submit(saved, user=official, missing_note="其他单位另行提交")


def _extend(item, official, reviewer, param):
    extension = appeals.request_extension(item, user=official, asked_until=datetime.date(2026, 1, 1) + datetime.timedelta(
        days=30 * param), reason="施工延误")
    appeals.decide_extension(extension, user=reviewer, grant=True, granted_until=extension.asked_until,
                             version=extension.version)


def _appeal(item, official, reviewer, param):
    appeal = appeals.request_appeal(item, user=official, reason="请复核")
    points = min(Decimal(param) / 10, item.criterion.points)
    appeals.decide_appeal(appeal, user=reviewer, change=True, points=points, reply="已核", version=appeal.version,
                          submission_version=_fresh(item.pk).version)


def _state(round_, reviewer, param):
    round_.refresh_from_db()
    targets = sorted(round_services.NEXT_STATES[Round.State(round_.state)] - {Round.State.ARCHIVED})
    if targets:
        round_services.change_state(round_, targets[param % len(targets)], user=reviewer, reason="测试")


def _apply(kind, pk, param, round_, officials, reviewer):
    item = _fresh(pk)
    official = next(o for o in officials if o.town_id == item.town_id)
    if kind == "fill":
        _fill(item, official, param)
    elif kind == "score":
        if item.status in Submission.Status.EDITABLE:
            _fill(item, official, param)  # so that most generated scores have something to score
            item = _fresh(pk)
        points = min(Decimal(param) / 10, item.criterion.points)
        services.score(item, user=reviewer, points=points, comment="", override_reason="按材料", version=item.version)
    elif kind == "return":
        services.return_for_revision(item, user=reviewer, reason="补充", version=item.version)
    elif kind == "withdraw":
        services.withdraw(item, user=official, version=item.version)
    elif kind == "extend":
        _extend(item, official, reviewer, param)
    elif kind == "appeal":
        _appeal(item, official, reviewer, param)
    elif kind == "state":
        _state(round_, reviewer, param)
    elif kind == "policy":
        policy = Round.LatePolicy.DEDUCT if param % 3 else Round.LatePolicy.FLAG
        round_services.change_settings(round_, user=reviewer, late_policy=policy, late_deduction=Decimal(param % 11) / 10)
    else:
        round_services.change_settings(round_, user=reviewer, pass_mark=Decimal(param) / 2 if param % 5 else None)


def assert_stored_equals_engine(round_):
    """Every town's total, points before the late policy, rank, 达标, counts and section points, exactly."""
    expected = {
        r.town_id: (r.total, sum((i.awarded or Decimal("0.0") for i in r.items), Decimal("0.0")), r.rank, r.passed,
                    r.scored, len(r.items), r.late, r.overdue, r.sections)
        for r in round_results(round_)
    }
    sections = {}
    for town_id, code, points in SectionResult.objects.filter(result__round=round_).values_list(
            "result__town_id", "section__code", "points"):
        sections.setdefault(town_id, {})[code] = points
    actual = {
        row.town_id: (row.total, row.awarded, row.rank, row.passed, row.scored, row.item_count, row.late, row.overdue,
                      sections.get(row.town_id, {}))
        for row in TownResult.objects.filter(round=round_)
    }
    assert actual == expected


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(actions=st.lists(action, min_size=1, max_size=10))
def test_stored_results_equal_the_engine_after_any_writes(open_round, official_a, official_b, reviewer, actions):
    officials = [official_a, official_b]
    items = _items(open_round, officials)
    # Examples share the database: each starts with the round open again (a state alone changes no number).
    Round.objects.filter(pk=open_round.pk).update(state=Round.State.OPEN)
    for kind, index, param in actions:
        try:
            _apply(kind, items[index], param, open_round, officials, reviewer)
        except services.ServiceError:
            pass  # refused: nothing was written, and the stored results must say so too
    open_round.refresh_from_db()
    assert_stored_equals_engine(open_round)
    assert stored.differences(open_round) == []


def test_granted_extension_turns_a_late_item_on_time_in_the_stored_total(open_round, official_a, reviewer):
    round_services.change_settings(open_round, user=reviewer, late_policy=Round.LatePolicy.DEDUCT,
                                   late_deduction=Decimal("0.5"))
    item = _fresh(_items(open_round, [official_a])[0])
    _fill(item, official_a, 1)  # completed late
    services.score(_fresh(item.pk), user=reviewer, points=Decimal("2"), comment="", override_reason="x",
                   version=_fresh(item.pk).version)
    row = TownResult.objects.get(round=open_round, town=official_a.town)
    assert (row.total, row.awarded, row.late) == (Decimal("1.0"), Decimal("2.0"), 1)
    _extend(_fresh(item.pk), official_a, reviewer, 10)  # granted until after the completion day
    row.refresh_from_db()
    assert (row.total, row.awarded, row.late) == (Decimal("2.0"), Decimal("2.0"), 0)
    assert Extension.objects.filter(status=Extension.Status.GRANTED).count() == 1


def test_ranks_follow_one_towns_score(open_round, town_a, town_b, official_a, official_b, reviewer):
    first = _fresh(_items(open_round, [official_b])[0])
    _fill(first, official_b, 0)
    services.score(_fresh(first.pk), user=reviewer, points=Decimal("1"), comment="", override_reason="x",
                   version=_fresh(first.pk).version)
    ranks = dict(TownResult.objects.filter(round=open_round, town__in=[town_a, town_b]).values_list("town_id", "rank"))
    assert ranks == {town_b.pk: 1, town_a.pk: 2}
    assert TownResult.objects.filter(round=open_round, rank=2).count() == open_round.submissions.values(
        "town").distinct().count() - 1  # every other town shares 0 points, hence rank 2


def test_rebuild_results_reports_and_repairs_a_difference(open_round, town_a, capsys):
    call_command("rebuild_results", "--check")
    assert capsys.readouterr().out.strip().endswith("已保存的结果与重算一致。")
    TownResult.objects.filter(round=open_round, town=town_a).update(total=Decimal("7.0"))
    with pytest.raises(CommandError, match="1 处"):
        call_command("rebuild_results", "--check", "--round", str(open_round.pk))
    call_command("rebuild_results", "--round", str(open_round.pk))
    assert f"{town_a.name}：total 应为 0.0，保存的是 7.0" in capsys.readouterr().out
    call_command("rebuild_results", "--check")
    assert stored.differences(open_round) == []


def test_a_days_old_round_is_recomputed_before_it_is_read(open_round, town_a):
    TownResult.objects.filter(round=open_round).update(computed_for=datetime.date(2020, 1, 1), overdue=99)
    rows = stored.round_rows(open_round)
    assert {row.computed_for for row in rows} == {stored._today()}
    assert 99 not in {row.overdue for row in rows}


def test_deferred_writes_refresh_each_round_once_at_the_end(open_round, official_a, reviewer):
    stored.refresh(open_round)
    item = _fresh(_items(open_round, [official_a])[0])
    with stored.deferred():
        _fill(item, official_a, 0)
        services.score(_fresh(item.pk), user=reviewer, points=Decimal("2"), comment="", override_reason="x",
                       version=_fresh(item.pk).version)
        inside = TownResult.objects.get(round=open_round, town=official_a.town)
        assert (inside.total, inside.scored) == (Decimal("0.0"), 0)
    row = TownResult.objects.get(round=open_round, town=official_a.town)
    assert (row.total, row.scored) == (Decimal("2.0"), 1)
    assert stored.differences(open_round) == []
