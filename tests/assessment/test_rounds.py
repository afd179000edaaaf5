"""A round's life: states, a new year's round copied from an earlier one, deletion and voiding."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from assessment import round_services, services
from assessment.models import Round, RoundDeadline, Submission
from assessment.services import ServiceError
from scoring.loader import round_results
from tests.factories import UserFactory, score_item

State = Round.State


def _next_round(source, user, **kwargs):
    year = source.opens_on.year + 1
    options = {"name": f"{year}年度", "opens_on": datetime.date(year, 1, 10), "closes_on": datetime.date(year, 12, 20),
               "deadlines": round_services.copied_deadlines(source, year), "confirm_past": True}
    options.update(kwargs)
    return round_services.create_round(user=user, source=source, **options)


def test_state_changes_are_recorded_with_who_and_why(open_round, reviewer):
    round_services.change_state(open_round, State.REVIEWING, user=reviewer, reason="填报截止")
    round_services.change_state(open_round, State.PUBLISHED, user=reviewer, reason="尚有未评分项，按期公布")
    steps = list(open_round.transitions.values_list("from_state", "to_state", "actor__username", "reason"))
    assert steps == [("", State.OPEN, None, ""), (State.OPEN, State.REVIEWING, "reviewer", "填报截止"),
                     (State.REVIEWING, State.PUBLISHED, "reviewer", "尚有未评分项，按期公布")]


def test_publishing_with_unscored_items_needs_a_reason(open_round, reviewer):
    round_services.change_state(open_round, State.REVIEWING, user=reviewer)
    with pytest.raises(ServiceError) as error:
        round_services.change_state(open_round, State.PUBLISHED, user=reviewer)
    assert error.value.message == "还有 451 个考察点未评分，公布结果须填写说明。"


def test_state_cannot_skip_or_go_back_from_archive(open_round, reviewer, official_a):
    with pytest.raises(ServiceError) as error:
        round_services.change_state(open_round, State.ARCHIVED, user=reviewer)
    assert error.value.message == "考评不能从“填报中”变为“已归档”。"
    with pytest.raises(ServiceError) as error:
        round_services.change_state(open_round, State.REVIEWING, user=official_a)
    assert error.value.message == "只有视频办和管理员可以变更考评状态。"


def test_stale_state_change_is_refused(open_round, reviewer):
    round_services.change_state(open_round, State.REVIEWING, user=reviewer)
    with pytest.raises(ServiceError) as error:
        round_services.change_state(open_round, State.REVIEWING, user=reviewer, expected_state=State.OPEN)
    assert error.value.message == "该考评的状态已被他人改为“评审中”，请刷新后再操作。"


@pytest.mark.parametrize(("state", "can_see", "can_write", "sees_results"), [
    (State.PREPARING, False, False, False), (State.OPEN, True, True, False), (State.REVIEWING, True, False, False),
    (State.PUBLISHED, True, False, True), (State.ARCHIVED, True, False, True), (State.VOIDED, False, False, False),
])
def test_town_sees_and_writes_by_state(client, open_round, item, official_a, state, can_see, can_write, sees_results):
    Round.objects.filter(pk=open_round.pk).update(state=state)
    client.force_login(official_a)
    assert client.get(reverse("dashboard"), {"round": open_round.pk}).status_code == (200 if can_see else 404)
    item.refresh_from_db()
    item.round.refresh_from_db()
    assert (services.edit_refusal(item, official_a) is None) is can_write
    page = client.get(reverse("results"), {"round": open_round.pk})
    assert page.status_code == (200 if can_see else 404)
    if can_see:
        assert ("本轮考评结果尚未公布。" not in page.content.decode()) is sees_results


def test_reviewing_closes_filling_with_a_clear_message(open_round, item, official_a, reviewer):
    round_services.change_state(open_round, State.REVIEWING, user=reviewer)
    item.refresh_from_db()
    assert services.edit_refusal(item, official_a) == "本轮考评当前为“评审中”，不能填报，已填内容均已保存。"


def test_archived_round_cannot_be_scored(open_round, scored_a, reviewer):
    Round.objects.filter(pk=open_round.pk).update(state=State.ARCHIVED)
    scored_a.refresh_from_db()
    with pytest.raises(ServiceError) as error:
        services.score(scored_a, user=reviewer, points=Decimal("1.0"), comment="", override_reason="x",
                       version=scored_a.version)
    assert error.value.message == "本轮考评当前为“已归档”，不能评分或退回。"


def test_copied_deadlines_land_in_the_new_year(open_round, criteria, reviewer):
    RoundDeadline.objects.create(round=open_round, criterion=criteria["2.3④"], deadline=datetime.date(2026, 11, 1))
    new = _next_round(open_round, reviewer)
    deadlines = dict(RoundDeadline.objects.filter(round=new).values_list("criterion__code", "deadline"))
    years = new.opens_on.year - open_round.opens_on.year
    assert deadlines["2.3④"] == datetime.date(2027, 11, 1)
    assert deadlines["1.1.1"] == datetime.date(criteria["1.1.1"].deadline.year + years, criteria["1.1.1"].deadline.month, 1)
    assert len(deadlines) == 41
    assert new.state == State.PREPARING and new.pass_mark == open_round.pass_mark
    assert Submission.objects.filter(round=new).count() == 11 * 41


def _main(client, name, **params):
    """The page's own content, without the header (whose round switcher lists every round)."""
    page = client.get(reverse(name, kwargs=params.pop("kwargs", None)), params).content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", page[page.index("<main>"):])


def test_opening_a_round_changes_nothing_in_another(client, open_round, scored_a, reviewer, official_a, town_a):
    client.force_login(reviewer)
    before = round_results(open_round)
    pages = [("results", {}), ("town-results", {"kwargs": {"town_id": town_a.pk}}), ("review-queue", {})]
    pages_before = [_main(client, name, round=open_round.pk, **dict(extra)) for name, extra in pages]
    new = _next_round(open_round, reviewer, open_now=True)
    assert round_results(open_round) == before
    assert [_main(client, name, round=open_round.pk, **dict(extra)) for name, extra in pages] == pages_before
    client.force_login(official_a)
    assert client.get(reverse("dashboard")).context["round"] == new  # work now: the new open round


def test_deadline_before_opening_needs_confirmation(open_round, reviewer):
    with pytest.raises(ServiceError) as error:
        _next_round(open_round, reviewer, confirm_past=False,
                    deadlines={c: datetime.date(2020, 1, 1) for c in round_services.copied_deadlines(open_round, 2027)})
    assert error.value.message == "有 41 个考察点的完成时间早于开始填报日期，请确认后再保存。"


def test_untouched_round_is_deleted_touched_one_voided(open_round, reviewer, item, official_a):
    new = _next_round(open_round, reviewer)
    assert round_services.delete_or_void(new, user=reviewer) is True
    assert not Round.objects.filter(pk=new.pk).exists()
    score_item(item, official_a, reviewer, "1.0")
    with pytest.raises(ServiceError):
        round_services.delete_or_void(open_round, user=reviewer)
    assert round_services.delete_or_void(open_round, user=reviewer, reason="误建") is False
    open_round.refresh_from_db()
    assert open_round.state == State.VOIDED
    assert open_round.transitions.last().reason == "误建"


def test_open_round_command_prints_id(open_round, admin_user, capsys):
    call_command("open_round", "--copy-from", "latest", "--name", "2027年度", "--opens", "2027-01-05",
                 "--closes", "2027-12-20", "--confirm-past")
    new = Round.objects.get(pk=int(capsys.readouterr().out.strip()))
    assert (new.name, new.state, new.opens_on) == ("2027年度", State.PREPARING, datetime.date(2027, 1, 5))
    call_command("open_round", "--copy-from", str(new.pk), "--name", "2028年度", "--opens", "2028-01-05",
                 "--closes", "2028-12-20", "--open", "--confirm-past")
    assert Round.objects.get(name="2028年度").state == State.OPEN


def test_new_round_page_previews_then_saves(client, open_round, reviewer):
    client.force_login(reviewer)
    page = client.get(reverse("round-new"))
    assert page.status_code == 200
    data = {key: value for key, value in page.context["form"].initial.items()}
    data.update(opens_on="2027-01-10", closes_on="2027-12-20", action="preview")
    preview = client.post(reverse("round-new"), data)
    assert preview.context["preview"]["towns"] == 11
    data.update(action="save", confirm_past="on" if preview.context["preview"]["overdue"] else "")
    response = client.post(reverse("round-new"), data)
    new = Round.objects.get(name=data["name"])
    assert response.status_code == 302 and response["Location"] == reverse("round-detail", args=[new.pk])


def test_new_round_page_only_for_managers(client, open_round, official_a, viewer):
    for user in (official_a, viewer):
        client.force_login(user)
        assert client.get(reverse("round-new")).status_code == 403


def test_round_page_shows_history(client, open_round, reviewer):
    round_services.change_state(open_round, State.REVIEWING, user=reviewer, reason="填报截止")
    client.force_login(reviewer)
    page = client.get(reverse("round-detail", args=[open_round.pk])).content.decode()
    assert "填报中 → 评审中" in page and "填报截止" in page


@pytest.mark.parametrize("extra", [0, 5])
def test_round_list_query_count(client, open_round, reviewer, django_assert_num_queries, extra):
    for n in range(extra):
        Round.objects.create(rubric=open_round.rubric, district=open_round.district, name=f"旧{n}",
                             opens_on=datetime.date(2010 + n, 1, 1), closes_on=datetime.date(2010 + n, 12, 1))
    client.force_login(reviewer)
    with django_assert_num_queries(5):
        page = client.get(reverse("round-list")).content.decode()
    assert page.count("data-round=") == 1 + extra


def test_switcher_remembers_the_chosen_round(client, open_round, reviewer, official_a):
    old = Round.objects.create(rubric=open_round.rubric, district=open_round.district, name="2025年度",
                               opens_on=datetime.date(2025, 1, 1), closes_on=datetime.date(2025, 12, 1), state=State.ARCHIVED)
    client.force_login(official_a)
    response = client.get(reverse("round-switch"), {"round": old.pk, "next": reverse("results")})
    assert response["Location"] == f"{reverse('results')}?round={old.pk}"
    assert client.get(reverse("dashboard")).context["round"] == old
    other = UserFactory(role="town", username="official_x", town=official_a.town)
    client.force_login(other)
    assert client.get(reverse("dashboard")).context["round"] == open_round


def test_opening_a_round_shows_setup_findings_and_asks_for_confirmation(client, open_round, reviewer):
    new = _next_round(open_round, reviewer)
    client.force_login(reviewer)
    page = client.get(reverse("round-detail", args=[new.pk])).content.decode()
    assert 'id="setup-findings"' in page and "个街镇没有填报员" in page
    data = {"to_state": State.OPEN, "expected_state": State.PREPARING, "reason": ""}
    client.post(reverse("round-state", args=[new.pk]), data)
    new.refresh_from_db()
    assert new.state == State.PREPARING
    client.post(reverse("round-state", args=[new.pk]), {**data, "confirm_setup": "1"})
    new.refresh_from_db()
    assert new.state == State.OPEN


def test_with_the_demos_dates_nothing_is_overdue_when_next_year_opens(open_round, reviewer, criteria):
    """The demo's round takes the standard's months in its own year; a copy opened on 1 January of the next year
    has every deadline in that year, so no item is overdue on the opening day."""
    year = open_round.opens_on.year
    RoundDeadline.objects.bulk_create(RoundDeadline(round=open_round, criterion=c, deadline=c.deadline.replace(year=year))
                                      for c in criteria.values())
    deadlines = round_services.copied_deadlines(open_round, year + 1)
    assert round_services.due_on_opening(deadlines, datetime.date(year + 1, 1, 1), 0) == (0, 0)
    new = _next_round(open_round, reviewer, opens_on=datetime.date(year + 1, 1, 1), deadlines=deadlines, confirm_past=False)
    states = {outcome.state.value for row in round_results(new, as_of=new.opens_on) for outcome in row.items}
    assert "overdue" not in states
