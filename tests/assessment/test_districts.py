"""A second district in the same portal: district accounts stay inside their own."""

import datetime

import pytest
from django.urls import reverse

from assessment import services
from assessment.models import District, Submission, Town
from tests.factories import UserFactory


@pytest.fixture
def other_round(rubric):
    district = District.objects.create(name="浦口区")
    Town.objects.create(district=district, name="江浦街道", kind="街道")
    return services.open_round(rubric=rubric, district=district, name="浦口区2026年度", opens_on=datetime.date(2026, 1, 1),
                               closes_on=datetime.date(2026, 12, 31))


@pytest.fixture
def liuhe_reviewer(db):
    return UserFactory(role="reviewer", username="liuhe-reviewer", district=District.objects.get(name="六合区"))


def test_district_reviewer_cannot_open_other_district_item(client, liuhe_reviewer, open_round, other_round):
    client.force_login(liuhe_reviewer)
    other = Submission.objects.filter(round=other_round).first()
    assert client.get(reverse("submission", args=[other.pk])).status_code == 404
    assert client.get(reverse("review", args=[other.pk])).status_code == 404
    assert client.get(f"/api/submissions/{other.pk}/").status_code == 404


def test_district_reviewer_sees_only_own_rounds(client, liuhe_reviewer, open_round, other_round):
    client.force_login(liuhe_reviewer)
    assert [r["name"] for r in client.get("/api/rounds/").json()["results"]] == [open_round.name]
    page = client.get(reverse("results"), {"round": other_round.pk}).content.decode()
    assert "江浦街道" not in page
    assert client.get("/api/results/", {"round": other_round.pk}).status_code == 404


def test_district_reviewer_town_pages_stay_in_district(client, liuhe_reviewer, open_round, other_round):
    client.force_login(liuhe_reviewer)
    other_town = Town.objects.get(name="江浦街道")
    assert client.get(reverse("town-results", args=[other_town.pk]), {"round": other_round.pk}).status_code == 404
    assert client.get(reverse("town-export", args=[other_town.pk]), {"round": other_round.pk}).status_code == 404


def test_city_level_reviewer_sees_every_district(client, reviewer, open_round, other_round):
    client.force_login(reviewer)
    other = Submission.objects.filter(round=other_round).first()
    assert client.get(reverse("submission", args=[other.pk])).status_code == 200
    assert len(client.get("/api/rounds/").json()["results"]) == 2


def test_town_official_rounds_are_their_district(client, official_a, open_round, other_round):
    client.force_login(official_a)
    assert [r["name"] for r in client.get("/api/rounds/").json()["results"]] == [open_round.name]


def test_department_official_of_district_stays_in_it(client, police, open_round, other_round):
    police.district = District.objects.get(name="六合区")
    police.save()
    client.force_login(police)
    other = Submission.objects.filter(round=other_round, criterion__code="3.4.1").get()
    assert client.get(reverse("submission", args=[other.pk])).status_code == 404
