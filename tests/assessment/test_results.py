from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import add_towns, publish


@pytest.mark.parametrize("username", ["reviewer", "leader", "admin"])
def test_results_page_for_readers(client, reviewer, viewer, admin_user, scored_a, town_a, username):
    from assessment.models import User

    client.force_login(User.objects.get(username=username))
    page = client.get(reverse("results")).content.decode()
    assert page.count("data-town=") == 11
    row = page[page.index(f'data-town="{town_a.pk}"'):]
    assert '<td class="num rank">1</td>' in row[:200]
    assert '<td class="num total">2.5</td>' in row


def test_results_hidden_from_town_until_published(client, official_a, scored_a, open_round):
    client.force_login(official_a)
    assert "本轮考评结果尚未公布。" in client.get(reverse("results")).content.decode()
    assert client.get(reverse("town-results", args=[official_a.town_id])).status_code == 404


def test_results_published_show_only_own_town(client, official_a, scored_a, open_round, town_a, town_b):
    publish(open_round)
    client.force_login(official_a)
    page = client.get(reverse("results")).content.decode()
    assert page.count("data-town=") == 1 and f'data-town="{town_a.pk}"' in page
    assert client.get(reverse("town-results", args=[town_b.pk])).status_code == 404
    assert client.get(reverse("town-results", args=[town_a.pk])).status_code == 200


def test_department_cannot_see_results(client, police, scored_a):
    client.force_login(police)
    assert "本轮考评结果尚未公布。" in client.get(reverse("results")).content.decode()


def test_town_drilldown_shows_score_reviewer_comment(client, viewer, scored_a, town_a):
    client.force_login(viewer)
    page = client.get(reverse("town-results", args=[town_a.pk])).content.decode()
    assert "总分 2.5 分，排名第 1" in page
    assert page.count("data-item=") == 41
    row = page[page.index(f'data-item="{scored_a.pk}"'):]
    assert '<td class="num points">2.5' in row[:600]
    assert "评审员甲" in row[:800]


def test_viewer_cannot_score(client, viewer, scored_a):
    client.force_login(viewer)
    response = client.post(reverse("review", args=[scored_a.pk]), {"points": "0", "version": "9", "action": "score"})
    assert response.status_code == 403
    scored_a.review.refresh_from_db()
    assert scored_a.review.points == Decimal("2.5")


@pytest.mark.parametrize("extra_towns", [0, 20])
def test_results_query_count_constant(client, viewer, open_round, django_assert_num_queries, extra_towns):
    add_towns(open_round, extra_towns)
    client.force_login(viewer)
    with django_assert_num_queries(8):
        page = client.get(reverse("results")).content.decode()
    assert page.count("data-town=") == 11 + extra_towns


@pytest.mark.parametrize("scored_items", [0, 1])
def test_town_drilldown_query_count_constant(client, viewer, open_round, town_a, django_assert_num_queries, scored_items,
                                             request):
    if scored_items:
        request.getfixturevalue("scored_a")
    client.force_login(viewer)
    with django_assert_num_queries(11):
        assert client.get(reverse("town-results", args=[town_a.pk])).status_code == 200


@pytest.mark.parametrize("extra_towns", [0, 12])
def test_results_api_query_count_constant(client, viewer, open_round, django_assert_num_queries, extra_towns):
    add_towns(open_round, extra_towns)
    client.force_login(viewer)
    with django_assert_num_queries(5):
        rows = client.get(reverse("api-results"), {"round": open_round.pk}).json()
    assert len(rows) == 11 + extra_towns


def test_results_list_is_paged_searched_and_sorted(client, viewer, open_round, scored_a, town_a):
    from assessment.result_views import RESULTS_PAGE_SIZE

    add_towns(open_round, RESULTS_PAGE_SIZE, prefix="甲街道")
    client.force_login(viewer)
    first = client.get(reverse("results"), {"round": open_round.pk}).content.decode()
    assert first.count("data-town=") == RESULTS_PAGE_SIZE
    second = client.get(reverse("results"), {"round": open_round.pk, "page": 2}).content.decode()
    assert second.count("data-town=") == 11
    found = client.get(reverse("results"), {"round": open_round.pk, "q": town_a.name}).content.decode()
    assert found.count("data-town=") == 1 and f'data-town="{town_a.pk}"' in found
    last_first = client.get(reverse("results"), {"round": open_round.pk, "sort": "-rank"}).content.decode()
    assert f'data-town="{town_a.pk}"' not in last_first  # the only town with points ranks first, so it is last here
