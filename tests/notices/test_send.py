"""notify: the message is recorded for each user, then handed to the channels once the transaction commits."""

import logging

import pytest
from django.core import mail

from notices.models import Message
from notices.send import notify
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DELIVERED = []


def recording_channel(message):
    DELIVERED.append((message.user.username, message.subject))


def broken_channel(message):
    raise RuntimeError("channel down")


@pytest.fixture(autouse=True)
def clear_delivered():
    DELIVERED.clear()


def test_notify_records_one_message_per_user_and_mails_those_with_an_address(django_capture_on_commit_callbacks):
    with_mail = UserFactory(username="a", email="a@example.com")
    without_mail = UserFactory(username="b", email="")
    with django_capture_on_commit_callbacks(execute=True):
        sent = notify([with_mail, without_mail, with_mail], subject="标题", body="正文", url="/items/", kind="urge")
    assert len(sent) == 2
    rows = list(Message.objects.order_by("user__username").values_list("user__username", "subject", "body", "url", "kind"))
    assert rows == [("a", "标题", "正文", "/items/", "urge"), ("b", "标题", "正文", "/items/", "urge")]
    assert [(m.to, m.subject, m.body) for m in mail.outbox] == [(["a@example.com"], "[六合区技防达标评估门户] 标题", "正文")]


def test_nothing_is_delivered_before_commit(django_capture_on_commit_callbacks):
    user = UserFactory(username="a", email="a@example.com")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify([user], subject="标题", body="正文")
    assert mail.outbox == [] and len(callbacks) == 1
    callbacks[0]()
    assert len(mail.outbox) == 1


def test_inactive_users_get_nothing(django_capture_on_commit_callbacks):
    gone = UserFactory(username="gone", email="gone@example.com", is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert notify([gone], subject="标题", body="正文") == []
    assert Message.objects.count() == 0 and mail.outbox == []


def test_mail_links_to_the_message_when_the_portal_url_is_set(settings, django_capture_on_commit_callbacks):
    settings.PORTAL_URL = "https://jf.example.gov.cn/"
    user = UserFactory(username="a", email="a@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        [message] = notify([user], subject="标题", body="正文", url="/items/")
    assert mail.outbox[0].body == f"正文\n\n在门户中查看：https://jf.example.gov.cn/messages/{message.pk}/"


def test_channels_come_from_settings_and_a_failing_one_is_logged(settings, django_capture_on_commit_callbacks, caplog):
    settings.NOTICE_CHANNELS = ["tests.notices.test_send.broken_channel", "tests.notices.test_send.recording_channel"]
    user = UserFactory(username="a", email="a@example.com")
    with caplog.at_level(logging.ERROR, logger="notices.send"), django_capture_on_commit_callbacks(execute=True):
        notify([user], subject="标题", body="正文")
    assert DELIVERED == [("a", "标题")]
    assert mail.outbox == []  # e-mail is not among the configured channels
    assert "broken_channel failed" in caplog.text


def test_a_mail_server_failure_is_logged_never_raised(settings, django_capture_on_commit_callbacks, caplog, monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr("notices.channels.send_mail", refuse)
    user = UserFactory(username="a", email="a@example.com")
    with caplog.at_level(logging.ERROR, logger="notices.channels"), django_capture_on_commit_callbacks(execute=True):
        notify([user], subject="标题", body="正文")
    assert Message.objects.filter(user=user).count() == 1
    assert "e-mail for message" in caplog.text
