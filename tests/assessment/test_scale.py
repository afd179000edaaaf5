"""The province-sized data set of `seed_scale`: its proportions, accounts and refusal to run twice."""

import io
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F
from django.utils import timezone

from assessment.models import City, District, Evidence, Figure, Review, Round, Submission, Town, Transition, User
from scoring.models import TownResult

PASSWORD = "scale-pass-1"


@pytest.fixture
def seeded(db):
    call_command("seed_scale", towns=6, districts=2, cities=1, rounds=2, password=PASSWORD, stdout=None)


def _scale_rounds():
    return Round.objects.filter(district__name__contains="规模区")


def test_districts_towns_and_rounds(seeded):
    districts = District.objects.filter(name__contains="规模区").order_by("name")
    assert [d.name for d in districts] == ["南京市·规模区001", "南京市·规模区002"]
    assert [Town.objects.filter(district=d).count() for d in districts] == [2, 4]  # uneven, like real districts
    assert Counter(_scale_rounds().values_list("state", flat=True)) == {"archived": 2, "open": 2}
    year = timezone.localdate().year
    assert sorted(r.year for r in _scale_rounds()) == [year - 1, year - 1, year, year]


def test_each_round_has_the_item_state_shares(seeded):
    # 2 or 4 towns × 41 items: 60% scored, 20% submitted, 10% draft (rounded), the rest untouched.
    expected = {82: ({"scored": 49, "submitted": 16, "draft": 8}, 9),
                164: ({"scored": 98, "submitted": 33, "draft": 16}, 17)}
    for round_ in _scale_rounds():
        items = Submission.objects.filter(round=round_)
        started = Counter(items.filter(started=True).values_list("status", flat=True))
        assert (started, items.filter(started=False).count()) == expected[items.count()]


def test_reviews_history_evidence_figures_and_transitions(seeded):
    rounds = _scale_rounds()
    scored = Submission.objects.filter(round__in=rounds, status="scored").count()
    handed_in = Submission.objects.filter(round__in=rounds, status__in=["scored", "submitted"]).count()
    assert (scored, handed_in) == (2 * (49 + 98), 2 * (65 + 131))
    assert Review.objects.filter(submission__round__in=rounds).count() == scored
    assert Review.history.filter(submission__round__in=rounds).count() == scored
    assert Evidence.objects.filter(submission__round__in=rounds).count() == handed_in
    assert Evidence.objects.filter(submission__round__in=rounds).values("shared_file").distinct().count() == 1
    assert Figure.objects.filter(round__in=rounds).values("town", "round").distinct().count() == 2 * 6
    moves = Counter(Transition.objects.filter(submission__round__in=rounds).values_list("to_status", flat=True))
    assert (moves["scored"], moves["returned"] + handed_in) == (scored, moves["submitted"])


def test_accounts_share_the_password(seeded):
    accounts = User.objects.filter(username__startswith="scale-")
    towns = Town.objects.filter(district__name__contains="规模区")
    assert sorted(u.username for u in accounts if u.role != "town") == ["scale-city", "scale-province",
                                                                        "scale-reviewer"]
    assert sorted(u.town_id for u in accounts if u.role == "town") == sorted(t.pk for t in towns)
    assert {u.check_password(PASSWORD) for u in accounts} == {True}


def test_districts_belong_to_real_cities(db):
    call_command("seed_scale", towns=6, districts=3, cities=2, rounds=1, password=PASSWORD, stdout=None)
    assert list(City.objects.values_list("name", "code")) == [("南京市", "320100"), ("无锡市", "320200")]
    districts = District.objects.filter(name__contains="规模区").order_by("name")
    assert [(d.name, d.city.code) for d in districts] == [
        ("南京市·规模区001", "320100"), ("南京市·规模区003", "320100"), ("无锡市·规模区002", "320200")]


def test_province_and_city_accounts_have_their_levels(seeded):
    province, city = User.objects.get(username="scale-province"), User.objects.get(username="scale-city")
    assert (province.district_id, province.city_id) == (None, None)
    assert (city.district_id, city.city.name) == (None, "南京市")
    province.full_clean()
    city.full_clean()


def test_rows_carry_their_round(seeded):
    rounds = _scale_rounds()
    assert Review.objects.filter(round__in=rounds).exclude(round=F("submission__round")).count() == 0
    assert Review.history.filter(round__in=rounds).exclude(round=F("submission__round")).count() == 0
    assert Transition.objects.filter(round__in=rounds).exclude(round=F("submission__round")).count() == 0
    assert Review.history.filter(round__in=rounds).count() == Review.objects.filter(round__in=rounds).count()


def test_stored_results_match_a_rebuild(seeded):
    assert TownResult.objects.filter(round__in=_scale_rounds()).count() == 2 * 6
    out = io.StringIO()
    call_command("rebuild_results", check=True, stdout=out)
    assert out.getvalue() == "已保存的结果与重算一致。\n"


def test_second_run_is_refused_with_a_message(seeded):
    with pytest.raises(CommandError, match="已有规模数据"):
        call_command("seed_scale", towns=6, districts=2, cities=1, rounds=2, password=PASSWORD)
    assert Town.objects.filter(district__name__contains="规模区").count() == 6


def test_bad_sizes_are_refused(db):
    with pytest.raises(CommandError, match="区数不能多于街镇数"):
        call_command("seed_scale", towns=2, districts=3, cities=1, rounds=1, password=PASSWORD)
