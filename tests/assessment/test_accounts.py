"""Users are never deleted once they have acted: the admin deactivates them, and pages keep naming them."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from assessment import accounts, services
from assessment.models import Evidence, Review, Transition, User
from tests.factories import UserFactory, publish, upload

KEPT = "账号“{}”已在考评中留有操作记录，为保留操作留痕不能删除，已停用。"
WILL_KEEP = "账号“{}”已在考评中留有操作记录，为保留操作留痕不能删除；确认后将停用该账号。"


def _messages(response):
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def drafted(item, official_a):
    """Town A's 2.3④ saved as a draft by official A, with its two figures and one piece of evidence."""
    saved = services.save_draft(
        item, user=official_a, narrative="监控已建成。", completed_on=datetime.date(2026, 10, 1),
        figures={m: Decimal(v) for m, v in zip(item.criterion.metrics.order_by("code"), ("30", "200"), strict=True)},
        version=item.version,
    )
    services.add_evidence(saved, user=official_a, upload=upload("验收报告.pdf"), description="验收")
    return saved


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


# --------------------------------------------------------------------------- the service


def test_has_acted(db, official_a, official_a2, reviewer, scored_a):
    assert (accounts.has_acted(official_a), accounts.has_acted(reviewer), accounts.has_acted(official_a2)) == (
        True, True, False,
    )


def test_deactivate_user_only_deactivates_who_acted(db, official_a, official_a2, admin_user, scored_a):
    assert accounts.deactivate_user(official_a, by=admin_user) is True
    assert accounts.deactivate_user(official_a2, by=admin_user) is False
    assert list(User.objects.filter(pk__in=[official_a.pk, official_a2.pk]).order_by("username").values_list(
        "username", "is_active")) == [("official_a", False), ("official_a2", True)]


def test_actor_filter(db, official_a):
    from assessment.templatetags.portal import actor

    assert actor(None) == "（已注销账号）"
    assert actor(official_a) == "填报员甲"
    official_a.is_active = False
    assert actor(official_a) == "填报员甲（已停用）"
    assert actor(UserFactory(username="nameless")) == "nameless"


# --------------------------------------------------------------------------- the admin


def test_admin_delete_page_deactivates_official_who_acted(admin_client, official_a, drafted):
    url = reverse("admin:assessment_user_delete", args=[official_a.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert _messages(page) == [WILL_KEEP.format("official_a")]

    response = admin_client.post(url, {"post": "yes"}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain == [(reverse("admin:assessment_user_changelist"), 302)]
    assert _messages(response) == [KEPT.format("official_a")]
    official_a.refresh_from_db()
    assert official_a.is_active is False
    assert Evidence.objects.get(submission=drafted).uploaded_by == official_a


def test_admin_delete_page_deactivates_reviewer_despite_protected_reviews(admin_client, reviewer, scored_a):
    url = reverse("admin:assessment_user_delete", args=[reviewer.pk])
    page = admin_client.get(url)
    assert (page.status_code, page.context["protected"]) == (200, [])

    response = admin_client.post(url, {"post": "yes"}, follow=True)
    assert _messages(response) == [KEPT.format("reviewer")]
    assert User.objects.get(pk=reviewer.pk).is_active is False


def test_admin_delete_page_still_deletes_user_who_never_acted(admin_client, official_a2, scored_a):
    response = admin_client.post(reverse("admin:assessment_user_delete", args=[official_a2.pk]), {"post": "yes"},
                                 follow=True)
    assert response.status_code == 200
    assert User.objects.filter(pk=official_a2.pk).exists() is False
    assert _messages(response) == ["成功删除了 用户“official_a2”。"]


def test_admin_bulk_delete_deactivates_who_acted_and_deletes_the_rest(
    admin_client, official_a, official_a2, reviewer, scored_a
):
    selected = [official_a.pk, official_a2.pk, reviewer.pk]
    changelist = reverse("admin:assessment_user_changelist")
    confirm = admin_client.post(changelist, {"action": "delete_selected", "_selected_action": selected})
    assert (confirm.status_code, confirm.context["protected"]) == (200, [])
    assert confirm.context["deletable_objects"][0][:2] == [
        "账号“official_a”已在考评中留有操作记录，将停用而不删除。",
        "账号“reviewer”已在考评中留有操作记录，将停用而不删除。",
    ]

    response = admin_client.post(
        changelist, {"action": "delete_selected", "_selected_action": selected, "post": "yes"}, follow=True
    )
    assert response.status_code == 200
    assert _messages(response) == [KEPT.format("official_a"), KEPT.format("reviewer"), "成功删除了 1 个 用户"]
    assert list(User.objects.filter(pk__in=selected).order_by("username").values_list("username", "is_active")) == [
        ("official_a", False), ("reviewer", False),
    ]
    assert Review.objects.get(submission=scored_a).reviewer_id == reviewer.pk


# --------------------------------------------------------------------------- pages after the account went

@pytest.fixture
def acted(open_round, town_a, official_a, official_a2, reviewer, scored_a, drafted):
    """Official A saved, uploaded and submitted 1.1.1, which the reviewer scored, and drafted 2.3④ with evidence."""
    publish(open_round)
    return scored_a


def _pages(scored, drafted, town):
    return [
        reverse("submission", args=[scored.pk]), reverse("submission", args=[drafted.pk]),
        reverse("review", args=[scored.pk]), reverse("review", args=[drafted.pk]),
        reverse("dashboard"), reverse("review-queue"), reverse("results"),
        reverse("town-results", args=[town.pk]), reverse("town-export", args=[town.pk]),
    ]


# The official's colleague does not review (403 on the review pages); nothing answers 500.
EXPECTED = {
    "reviewer": [200, 200, 200, 200, 200, 200, 200, 200, 200],
    "official_a2": [200, 200, 403, 403, 200, 403, 200, 200, 200],
}


def _statuses(client, user, scored, drafted, town):
    client.force_login(user)
    return [client.get(url).status_code for url in _pages(scored, drafted, town)]


def _whos(client, url):
    return [event.who for event in client.get(url).context["timeline"]]


def _uploaders(client, url):
    table = re.search(r'<table id="evidence"[^>]*>(.*?)</table>', client.get(url).content.decode(), re.S).group(1)
    return [cells[2] for cells in (re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
                                   for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)) if len(cells) == 6]


def test_pages_after_official_is_deactivated(client, acted, drafted, town_a, official_a, official_a2, reviewer,
                                             admin_user):
    assert accounts.deactivate_user(official_a, by=admin_user) is True
    for user in (reviewer, official_a2):
        assert _statuses(client, user, acted, drafted, town_a) == EXPECTED[user.username]

    client.force_login(official_a2)
    gone = "填报员甲（已停用）"
    scored_page = reverse("submission", args=[acted.pk])
    assert _whos(client, scored_page) == ["评审员甲", gone, gone, gone]
    assert _uploaders(client, scored_page) == [gone]
    assert _whos(client, reverse("submission", args=[drafted.pk])) == [gone, gone, gone, gone]
    assert _uploaders(client, reverse("submission", args=[drafted.pk])) == [gone]


def test_pages_after_official_row_was_removed(client, acted, drafted, town_a, official_a, official_a2, reviewer):
    # What deleting the account used to do: every SET_NULL reference to it becomes NULL.
    User.objects.filter(pk=official_a.pk).delete()
    assert Transition.objects.filter(submission=acted, actor=None).count() == 1
    for user in (reviewer, official_a2):
        assert _statuses(client, user, acted, drafted, town_a) == EXPECTED[user.username]

    gone = "（已注销账号）"
    client.force_login(official_a2)
    scored_page = reverse("submission", args=[acted.pk])
    assert _whos(client, scored_page) == ["评审员甲", gone, gone, gone]
    assert _uploaders(client, scored_page) == [gone]
    assert _whos(client, reverse("submission", args=[drafted.pk])) == [gone, gone, gone, gone]
    client.force_login(reviewer)
    assert _whos(client, reverse("review", args=[acted.pk])) == ["评审员甲", gone, gone, gone]
