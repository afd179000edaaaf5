"""通知公告: posted by the 视频办, shown at the top of everyone's pages with 新 until read."""

import pytest
from django.urls import reverse

from assessment.models import District, Round
from notices.models import Announcement, AnnouncementRead
from notices.services import post_announcement
from tests.factories import EXE_BYTES, UserFactory, add_towns, upload

pytestmark = pytest.mark.django_db


def banner(client):
    page = client.get(reverse("round-list")).content.decode()
    if 'id="announcement-banner"' not in page:
        return None
    return page.split('id="announcement-banner"', 1)[1].split("</section>", 1)[0]


def test_reviewer_posts_and_officials_see_it_new_until_read(client, reviewer, official_a, open_round):
    client.force_login(reviewer)
    response = client.post(reverse("announcement-new"), {
        "title": "关于报送佐证材料的通知", "body": "请各街镇于月底前上传。", "round": open_round.pk, "pinned": "on",
        "attachment": upload("通知.pdf"),
    })
    announcement = Announcement.objects.get()
    assert response.url == reverse("announcement", args=[announcement.pk])
    assert (announcement.round, announcement.pinned, announcement.posted_by, announcement.attachment_name) == (
        open_round, True, reviewer, "通知.pdf")

    client.force_login(official_a)
    assert "关于报送佐证材料的通知" in banner(client)
    listing = client.get(reverse("announcement-list")).content.decode()
    assert 'class="badge returned new"' in listing
    detail = client.get(reverse("announcement", args=[announcement.pk])).content.decode()
    assert "请各街镇于月底前上传。" in detail
    assert banner(client) is None
    assert 'class="badge returned new"' not in client.get(reverse("announcement-list")).content.decode()
    download = client.get(reverse("announcement-attachment", args=[announcement.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")


def test_banner_names_three_and_counts_the_rest(client, reviewer, official_a):
    for n in range(5):
        post_announcement(user=reviewer, title=f"公告{n}", body="正文", pinned=n == 0)
    client.force_login(official_a)
    shown = banner(client)
    assert [title for title in ("公告0", "公告4", "公告3", "公告2", "公告1") if title in shown] == ["公告0", "公告4", "公告3"]
    assert shown.index("公告0") < shown.index("公告4")  # pinned first
    assert "共 5 条未读，查看全部通知公告" in shown


def test_announcements_of_rounds_a_user_cannot_see_are_hidden(client, reviewer, official_a, rubric):
    preparing = Round.objects.create(rubric=rubric, district=District.objects.get(name="六合区"), name="筹备中的考评",
                                     opens_on="2031-03-01", closes_on="2031-11-30")
    hidden = post_announcement(user=reviewer, title="筹备说明", body="内部", round_=preparing)
    client.force_login(official_a)
    assert client.get(reverse("announcement", args=[hidden.pk])).status_code == 404
    assert banner(client) is None
    client.force_login(reviewer)
    assert client.get(reverse("announcement", args=[hidden.pk])).status_code == 200


def test_another_districts_announcements_are_hidden(client, official_a, rubric):
    pukou = UserFactory(role="reviewer", username="pukou", district=District.objects.create(name="浦口区"))
    theirs = post_announcement(user=pukou, title="浦口区通知", body="仅浦口区")
    assert theirs.district.name == "浦口区"
    client.force_login(official_a)
    assert client.get(reverse("announcement", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("announcement-attachment", args=[theirs.pk])).status_code == 404
    assert "浦口区通知" not in client.get(reverse("announcement-list")).content.decode()


def test_the_form_offers_the_managers_rounds(client, reviewer, open_round):
    client.force_login(reviewer)
    page = client.get(reverse("announcement-new")).content.decode()
    assert f'<option value="{open_round.pk}">2026年度达标评估</option>' in page and "不限（发给所有人）" in page


def test_only_round_managers_post(client, official_a, viewer):
    for user in (official_a, viewer):
        client.force_login(user)
        assert client.get(reverse("announcement-new")).status_code == 403
        assert client.post(reverse("announcement-new"), {"title": "x", "body": "y"}).status_code == 403
    assert Announcement.objects.count() == 0


def test_a_disguised_attachment_is_refused(client, reviewer):
    client.force_login(reviewer)
    response = client.post(reverse("announcement-new"), {
        "title": "通知", "body": "正文", "attachment": upload("通知.pdf", EXE_BYTES)})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert Announcement.objects.count() == 0


def test_all_can_be_marked_read_at_once(client, reviewer, official_a):
    for n in range(4):
        post_announcement(user=reviewer, title=f"公告{n}", body="正文")
    client.force_login(official_a)
    client.get(reverse("announcement", args=[Announcement.objects.first().pk]))
    response = client.post(reverse("announcement-read-all"), follow=True)
    assert "已将 3 条通知公告标为已读。" in response.content.decode()
    assert banner(client) is None and AnnouncementRead.objects.filter(user=official_a).count() == 4


def test_reading_twice_records_once(client, reviewer, official_a):
    announcement = post_announcement(user=reviewer, title="通知", body="正文")
    client.force_login(official_a)
    for _ in range(2):
        client.get(reverse("announcement", args=[announcement.pk]))
    assert AnnouncementRead.objects.filter(user=official_a).count() == 1


@pytest.mark.parametrize("count", [1, 12])
def test_announcement_list_query_count_constant(client, reviewer, official_a, open_round, django_assert_num_queries,
                                                count):
    add_towns(open_round, 2)
    for n in range(count):
        post_announcement(user=reviewer, title=f"公告{n}", body="正文", round_=open_round if n % 2 else None)
    client.force_login(official_a)
    # session, user, count, page of announcements, the round switcher, the notices summary, the town in the header
    with django_assert_num_queries(7):
        page = client.get(reverse("announcement-list")).content.decode()
    assert page.count("data-announcement=") == count
