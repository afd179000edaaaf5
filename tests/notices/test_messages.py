"""站内消息 pages: one's own messages only, opening one marks it read and goes where it points; the unread count."""

import pytest
from django.urls import reverse

from notices.models import Message

pytestmark = pytest.mark.django_db


def message(user, subject="退回", url="/items/", **kwargs):
    return Message.objects.create(user=user, subject=subject, body="原因", url=url, **kwargs)


def test_list_shows_only_ones_own_messages(client, official_a, official_b):
    message(official_a, "给甲的消息")
    message(official_b, "给乙的消息")
    client.force_login(official_a)
    page = client.get(reverse("message-list")).content.decode()
    assert "给甲的消息" in page and "给乙的消息" not in page


def test_opening_a_message_marks_it_read_and_goes_to_its_url(client, official_a, item):
    mine = message(official_a, url=reverse("submission", args=[item.pk]))
    client.force_login(official_a)
    response = client.get(reverse("message-open", args=[mine.pk]))
    assert response.status_code == 302 and response.url == reverse("submission", args=[item.pk])
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_another_users_message_is_a_404_and_stays_unread(client, official_a, official_b):
    theirs = message(official_b)
    client.force_login(official_a)
    assert client.get(reverse("message-open", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_message_never_leads_off_the_portal(client, official_a):
    odd = message(official_a, url="https://evil.example.com/")
    client.force_login(official_a)
    assert client.get(reverse("message-open", args=[odd.pk])).url == reverse("message-list")


def unread_badge(client):
    page = client.get(reverse("round-list")).content.decode()
    if 'id="unread-count"' not in page:
        return None
    return int(page.split('id="unread-count"', 1)[1].split(">", 1)[1].split("<", 1)[0])


def test_navigation_counts_unread_messages(client, official_a, official_b):
    first, _second = message(official_a), message(official_a)
    message(official_b)
    client.force_login(official_a)
    assert unread_badge(client) == 2
    client.get(reverse("message-open", args=[first.pk]))
    assert unread_badge(client) == 1
    response = client.post(reverse("message-read-all"), follow=True)
    assert "已将 1 条消息标为已读。" in response.content.decode()
    assert unread_badge(client) is None
    assert Message.objects.filter(user=official_b, read_at__isnull=True).count() == 1


def test_logged_out_visitors_are_sent_to_login(client, official_a):
    mine = message(official_a)
    for url in (reverse("message-list"), reverse("message-open", args=[mine.pk])):
        assert client.get(url).url.startswith(reverse("login"))


@pytest.mark.parametrize("count", [1, 40])
def test_message_list_query_count_constant(client, official_a, django_assert_num_queries, count):
    Message.objects.bulk_create(Message(user=official_a, subject=f"消息{n}") for n in range(count))
    client.force_login(official_a)
    # session, user, count, page of messages, the round switcher, the notices summary, the town in the header
    with django_assert_num_queries(7):
        page = client.get(reverse("message-list")).content.decode()
    assert page.count("data-message=") == min(count, 30)


@pytest.mark.parametrize("unread", [0, 5])
def test_notices_add_one_query_to_every_page(client, official_a, reviewer, django_assert_num_queries, unread):
    """The unread count and the announcements at the top of a page come from one query, whatever their number."""
    from notices.services import post_announcement

    for n in range(unread):
        message(official_a)
        post_announcement(user=reviewer, title=f"公告{n}", body="正文")
    client.force_login(official_a)
    # session, user, the round list, the round switcher, the notices summary, the town in the header
    with django_assert_num_queries(6):
        client.get(reverse("round-list"))
