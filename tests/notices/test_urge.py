"""催办: a reviewer urges chosen towns and departments; each of their accounts gets the list of what it still owes."""

import pytest
from django.urls import reverse

from assessment.models import District, ResponsibleUnit, Round, Submission, Town
from assessment.services import ServiceError
from assessment.timeline import build_timeline
from notices.models import Message, Urge
from notices.services import send_urge, urge_targets
from tests.factories import UserFactory, add_towns

pytestmark = pytest.mark.django_db


def owed_by_town(round_, town):
    return [s for s in Submission.objects.filter(round=round_, town=town).prefetch_related("criterion__unit_links__unit")
            if any(link.unit.level == "town" for link in s.criterion.unit_links.all())]


def test_urge_reaches_the_chosen_towns_accounts_only(open_round, reviewer, town_a, official_a, official_a2, official_b,
                                                     police):
    urge = send_urge(open_round, sender=reviewer, town_ids=[town_a.pk], note="请于本周内完成")
    owed = owed_by_town(open_round, town_a)
    messages = Message.objects.order_by("user__username")
    assert [m.user.username for m in messages] == ["official_a", "official_a2"]
    assert messages[0].subject == f"【催办】2026年度达标评估：{town_a.name}尚有 {len(owed)} 项未提交"
    lines = messages[0].body.splitlines()
    assert lines[:3] == [f"视频办评审员甲催办：“2026年度达标评估”中{town_a.name}负责的以下考察点尚未提交，请尽快填报。", "",
                         "附言：请于本周内完成"]
    assert lines[4] == "· 1.1.1 建立专项工作班子" and len(lines) == 4 + len(owed)
    assert messages[0].url == f"{reverse('dashboard')}?round={open_round.pk}"
    assert [(r.town, r.unit, r.item_count, r.user_count) for r in urge.recipients.all()] == [(town_a, None, len(owed), 2)]
    assert set(urge.items.values_list("pk", flat=True)) == {s.pk for s in owed}


def test_a_department_gets_its_items_of_every_town(open_round, reviewer, police, official_a):
    unit = ResponsibleUnit.objects.get(name="区公安分局")
    urge = send_urge(open_round, sender=reviewer, unit_ids=[unit.pk])
    [message] = Message.objects.all()
    assert message.user == police
    towns = "、".join(Town.objects.filter(district=open_round.district).values_list("name", flat=True))
    assert f"· 3.4.1 利用技防监控系统查破案件情况：{towns}" in message.body.splitlines()
    assert urge.items.filter(criterion__code="3.4.1").count() == Town.objects.filter(district=open_round.district).count()


def test_one_outstanding_item_links_straight_to_it(open_round, reviewer, town_a, official_a):
    owed = owed_by_town(open_round, town_a)
    Submission.objects.filter(pk__in=[s.pk for s in owed[1:]]).update(status=Submission.Status.SUBMITTED)
    send_urge(open_round, sender=reviewer, town_ids=[town_a.pk])
    assert Message.objects.get().url == reverse("submission", args=[owed[0].pk])


def test_the_urge_shows_on_each_listed_items_timeline(open_round, reviewer, town_a, town_b, official_a):
    send_urge(open_round, sender=reviewer, town_ids=[town_a.pk], note="抓紧")
    item_a = Submission.objects.get(round=open_round, town=town_a, criterion__code="2.3⑤")
    item_b = Submission.objects.get(round=open_round, town=town_b, criterion__code="2.3⑤")
    assert [(e.who, e.text, e.detail) for e in build_timeline(item_a) if e.text == "催办"] == [("评审员甲", "催办", "抓紧")]
    assert [e for e in build_timeline(item_b) if e.text == "催办"] == []


def test_a_town_without_accounts_or_without_owed_items_is_recorded_but_gets_nothing(open_round, reviewer, town_a, town_b):
    Submission.objects.filter(round=open_round, town=town_b).update(status=Submission.Status.SUBMITTED)
    urge = send_urge(open_round, sender=reviewer, town_ids=[town_a.pk, town_b.pk])
    assert Message.objects.count() == 0
    assert [(r.town, r.item_count > 0, r.user_count) for r in urge.recipients.order_by("id")] == [
        (town_a, True, 0), (town_b, False, 0)]


def test_urge_refusals(open_round, reviewer, official_a, town_a):
    with pytest.raises(ServiceError, match="只有视频办评审员可以催办"):
        send_urge(open_round, sender=official_a, town_ids=[town_a.pk])
    with pytest.raises(ServiceError, match="请至少选择一个街镇或部门"):
        send_urge(open_round, sender=reviewer)
    other = Town.objects.create(district=District.objects.create(name="浦口区"), name="江浦街道", kind="街道")
    with pytest.raises(ServiceError, match="不属于本轮考评"):
        send_urge(open_round, sender=reviewer, town_ids=[other.pk])
    Round.objects.filter(pk=open_round.pk).update(state=Round.State.REVIEWING)
    open_round.refresh_from_db()
    with pytest.raises(ServiceError, match="不在填报期"):
        send_urge(open_round, sender=reviewer, town_ids=[town_a.pk])
    assert Urge.objects.count() == 0 and Message.objects.count() == 0


# --------------------------------------------------------------------------- the page


def test_urge_page_sends_and_lists_the_record(client, open_round, reviewer, town_a, official_a):
    client.force_login(reviewer)
    url = f"{reverse('urge')}?round={open_round.pk}"
    page = client.get(url).content.decode()
    assert f'data-town="{town_a.pk}"' in page and "本轮考评尚无催办记录。" in page
    response = client.post(url, {"towns": [town_a.pk], "note": "月底前完成"}, follow=True)
    assert response.redirect_chain == [(url, 302)]
    page = response.content.decode()
    assert f"已发送催办：{town_a.name}。" in page
    assert "月底前完成" in page and f"{town_a.name}（" in page
    assert Message.objects.filter(user=official_a, kind="urge").count() == 1


def test_urge_page_asks_for_a_choice(client, open_round, reviewer):
    client.force_login(reviewer)
    response = client.post(f"{reverse('urge')}?round={open_round.pk}", {"note": "x"})
    assert response.status_code == 200 and "请至少选择一个街镇或部门。" in response.content.decode()
    assert Urge.objects.count() == 0


def test_only_reviewers_may_urge(client, open_round, official_a, viewer, town_a):
    for user in (official_a, viewer):
        client.force_login(user)
        assert client.get(reverse("urge")).status_code == 403
        assert client.post(reverse("urge"), {"towns": [town_a.pk]}).status_code == 403
    assert Urge.objects.count() == 0


def test_a_reviewer_of_another_district_cannot_see_the_round(client, open_round):
    other = UserFactory(role="reviewer", username="pukou", district=District.objects.create(name="浦口区"))
    client.force_login(other)
    assert client.get(f"{reverse('urge')}?round={open_round.pk}").status_code == 404


def test_targets_count_what_each_still_owes(open_round, town_a, official_a, police):
    towns, departments = urge_targets(open_round)
    first = next(t for t in towns if t.town == town_a)
    assert len(first.items) == len(owed_by_town(open_round, town_a)) and first.accounts == [official_a]
    police_target = next(t for t in departments if t.name == "区公安分局")
    assert police_target.accounts == [police]


@pytest.mark.parametrize("extra_towns", [0, 4])
def test_urge_page_query_count_constant(client, open_round, reviewer, town_a, official_a, django_assert_num_queries,
                                        extra_towns):
    add_towns(open_round, extra_towns)
    send_urge(open_round, sender=reviewer, town_ids=[town_a.pk])
    client.force_login(reviewer)
    # session, user, round, items, their units, accounts, towns, units, urge count, urges, recipients;
    # the round switcher; the notices summary; the round remembered in the session (savepoint, update, release)
    with django_assert_num_queries(16):
        response = client.get(f"{reverse('urge')}?round={open_round.pk}")
    assert response.content.decode().count("data-urge=") == 1
