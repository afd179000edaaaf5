"""`assessment.scoping` on its own: who sees which rounds, submissions, results and exports."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.urls import reverse

from assessment import scoping
from assessment.models import District, ExportJob, Round, Submission, Town
from tests.factories import UserFactory, publish, score_item


@pytest.mark.parametrize("raw", ["abc", "1.5", "-1", "\x00", "0", "1" * 30, "١٢", " 1"])
def test_parse_id_refuses_malformed(raw):
    with pytest.raises(Http404):
        scoping.parse_id(raw, "round")


@pytest.mark.parametrize(("raw", "expected"), [(None, None), ("", None), ("12", 12), (7, 7), (str(2**31 - 1), 2**31 - 1)])
def test_parse_id_reads_ids(raw, expected):
    assert scoping.parse_id(raw) == expected


def test_round_for_user_defaults_to_newest_and_refuses_other_district(open_round, reviewer, rubric):
    other = Round.objects.create(rubric=rubric, district=District.objects.create(name="浦口区"), name="浦口",
                                 opens_on=open_round.opens_on, closes_on=open_round.closes_on)
    bound = UserFactory(role="reviewer", username="liuhe-reviewer", district=open_round.district)
    assert scoping.round_for_user(bound) == open_round
    assert scoping.round_for_user(bound, str(open_round.pk)) == open_round
    with pytest.raises(Http404):
        scoping.round_for_user(bound, str(other.pk))
    assert scoping.round_for_user(reviewer, str(other.pk)) == other
    assert scoping.round_for_user(AnonymousUser()) is None


@pytest.mark.parametrize(("username", "before", "after"), [
    ("reviewer", True, True), ("leader", True, True), ("official_a", False, True), ("police", False, True),
])
def test_results_visible_only_to_readers_until_published(open_round, reviewer, viewer, official_a, police,
                                                          username, before, after):
    from assessment.models import User

    user = User.objects.get(username=username)
    assert scoping.results_visible(user, open_round) is before
    open_round.state = Round.State.PUBLISHED
    assert scoping.results_visible(user, open_round) is after
    assert scoping.results_visible(AnonymousUser(), open_round) is False


def test_visible_results_rows(open_round, reviewer, official_a, police, town_a):
    from scoring.loader import round_results

    rows = round_results(open_round)
    assert scoping.visible_results(official_a, open_round, rows) == []
    assert len(scoping.visible_results(reviewer, open_round, rows)) == 11
    open_round.state = Round.State.PUBLISHED
    assert [row.town_id for row in scoping.visible_results(official_a, open_round, rows)] == [town_a.pk]
    assert scoping.visible_results(police, open_round, rows) == []


def test_submissions_for_user_by_role(open_round, reviewer, official_a, police, town_a):
    assert scoping.submissions_for_user(reviewer).count() == 11 * 41
    assert set(scoping.submissions_for_user(official_a).values_list("town_id", flat=True)) == {town_a.pk}
    from assessment.models import CriterionUnit

    police_rows = scoping.submissions_for_user(police)
    named = set(CriterionUnit.objects.filter(unit=police.unit).values_list("criterion__code", flat=True))
    assert set(police_rows.values_list("criterion__code", flat=True)) == named
    assert police_rows.count() == 11 * len(named)
    assert {"3.4.1", "2.3①", "1.1.1"} <= named and "1.5.1" not in named
    assert scoping.submissions_for_user(AnonymousUser()).count() == 0


def test_town_scope(open_round, official_a, town_a, town_b, viewer):
    assert scoping.get_town_for_user(official_a, town_a.pk) == town_a
    with pytest.raises(Http404):
        scoping.get_town_for_user(official_a, town_b.pk)
    assert scoping.get_town_for_user(viewer, town_b.pk) == town_b


def test_results_for_user_needs_publication_for_towns(open_round, official_a, police, viewer, town_a):
    with pytest.raises(Http404):
        scoping.get_results_for_user(official_a, None, town_a.pk)
    assert scoping.get_results_for_user(viewer, None, town_a.pk) == (open_round, town_a)
    publish(open_round)
    assert scoping.get_results_for_user(official_a, None, town_a.pk)[1] == town_a
    with pytest.raises(Http404):
        scoping.get_results_for_user(police, None, town_a.pk)


def test_export_jobs_are_seen_by_whoever_may_export_the_same_workbook(open_round, reviewer, viewer, official_a,
                                                                         official_b, police, town_a):
    whole = ExportJob.objects.create(round=open_round, requested_by=reviewer)
    own = ExportJob.objects.create(round=open_round, town=town_a, requested_by=reviewer)
    assert scoping.get_export_job_for_user(viewer, whole.pk) == whole
    assert set(scoping.export_jobs_for_user(reviewer)) == {whole, own}
    assert scoping.export_jobs_for_user(official_a).count() == 0  # not before publication
    publish(open_round)
    assert list(scoping.export_jobs_for_user(official_a)) == [own]
    for user in (official_b, police, AnonymousUser()):
        assert scoping.export_jobs_for_user(user).count() == 0
    other = District.objects.create(name="浦口区")
    outsider = UserFactory(role="viewer", username="outsider", district=other)
    with pytest.raises(Http404):
        scoping.get_export_job_for_user(outsider, whole.pk)


# --------------------------------------------------------------------------- points through every endpoint


def _points_in_api(client, user, round_):
    client.force_login(user)
    rows = client.get(reverse("api-submissions"), {"round": round_.pk, "limit": 500}).json()["results"]
    detail = [client.get(reverse("api-submission", args=[row["id"]])).json() for row in rows if row["status"] == "scored"]
    return {row["id"]: row["points"] for row in rows + detail if row["points"] is not None}


@pytest.fixture
def scored_everywhere(open_round, criteria, town_a, town_b, official_a, official_b, police, reviewer):
    """Scored items of town A (its own and a police one), and of town B; the round deducts 20% for lateness."""
    Round.objects.filter(pk=open_round.pk).update(late_policy=Round.LatePolicy.DEDUCT, late_deduction=Decimal("0.20"))
    get = lambda town, code: Submission.objects.get(round=open_round, town=town, criterion=criteria[code])  # noqa: E731
    return {
        "a_own": score_item(get(town_a, "1.5.1"), official_a, reviewer, "1.0"),
        "a_police": score_item(get(town_a, "3.4.1"), police, reviewer, "3.0", completed_on=datetime.date(2026, 10, 1)),
        "b_own": score_item(get(town_b, "1.5.1"), official_b, reviewer, "0.5"),
    }


@pytest.mark.parametrize("username", ["official_a", "police"])
def test_no_points_before_publication(client, scored_everywhere, open_round, username):
    from assessment.models import User

    assert _points_in_api(client, User.objects.get(username=username), open_round) == {}


def test_after_publication_each_sees_exactly_its_scope(client, scored_everywhere, open_round, official_a, police, viewer):
    publish(open_round)
    items = scored_everywhere
    assert _points_in_api(client, official_a, open_round) == {items["a_own"].pk: "0.8", items["a_police"].pk: "2.4"}
    assert _points_in_api(client, police, open_round) == {items["a_police"].pk: "2.4"}
    assert _points_in_api(client, viewer, open_round) == {
        items["a_own"].pk: "0.8", items["a_police"].pk: "2.4", items["b_own"].pk: "0.4",
    }


def test_leader_sees_points_before_publication_after_late_policy(client, scored_everywhere, open_round, viewer):
    client.force_login(viewer)
    item = scored_everywhere["a_police"]
    row = client.get(reverse("api-submission", args=[item.pk])).json()
    assert (row["awarded_points"], row["points"], row["deadline_state"]) == ("3.0", "2.4", "late")


def test_other_town_never_sees_another_towns_points(client, scored_everywhere, open_round):
    publish(open_round)
    stranger = UserFactory(role="town", username="stranger", town=Town.objects.exclude(
        pk__in=[s.town_id for s in scored_everywhere.values()]).first())
    assert _points_in_api(client, stranger, open_round) == {}
