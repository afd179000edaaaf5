"""The demo has e-mail addresses, an announcement and a 催办, and the messages the workflow sent while it was built."""

import pytest
from django.core.management import call_command

from assessment.models import Round, User
from notices.models import Announcement, Message, Urge

pytestmark = pytest.mark.django_db


def test_demo_has_addresses_an_announcement_and_an_urge(settings, django_capture_on_commit_callbacks):
    settings.DEBUG = True
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", password="demo-pass-1")
    assert User.objects.get(username="official1").email == "official1@liuhe.example"
    current = Round.objects.get(state=Round.State.OPEN)
    [announcement] = Announcement.objects.all()
    assert (announcement.round, announcement.pinned) == (current, True)
    [urge] = Urge.objects.all()
    assert sorted(r.name for r in urge.recipients.all()) == sorted(
        [User.objects.get(username="official1").town.name, "区公安分局"])
    assert Message.objects.filter(user__username="official1", kind="urge").count() == 1
    assert Message.objects.filter(user__username="official1", kind="results").count() == 1  # last year's results
    assert Message.objects.filter(user__username="official1", kind="returned").exists()
