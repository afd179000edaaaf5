"""修改记录: the standard's and a round's changes with old and new values."""

from decimal import Decimal

from django.urls import reverse

from assessment.models import Criterion, Round, User
from tests.factories import UserFactory


def test_standard_history_shows_old_and_new_values(client, admin_user, criteria):
    criterion = criteria["2.2①"]
    old_title = criterion.title
    criterion.title = "新的考察点名称"
    criterion._history_user = admin_user
    criterion.save()
    client.force_login(admin_user)
    page = client.get(reverse("standard-history")).content.decode()
    assert f"<div>考察点：{old_title} → 新的考察点名称</div>" in page
    assert "<td>考察点 2.2① 新的考察点名称</td><td>修改</td>" in page


def test_standard_history_only_for_administrators(client, reviewer, rubric):
    client.force_login(reviewer)
    assert client.get(reverse("standard-history")).status_code == 403


def test_round_page_lists_setting_changes(client, admin_user, open_round):
    changed = Round.objects.get(pk=open_round.pk)
    changed.pass_mark = Decimal("85")
    changed.save()
    client.force_login(admin_user)
    page = client.get(reverse("round-detail", args=[open_round.pk])).content.decode()
    assert "<td>修改</td>\n    <td><div>达标线：80.0 → 85.0</div></td>" in page


def test_new_models_have_history(db, criteria):
    assert Criterion.history.filter(id=criteria["2.2①"].pk).count() == 1
    user = UserFactory(username="h1")
    user.phone = "13800000000"
    user.save()
    assert [r.history_type for r in User.history.filter(id=user.pk).order_by("history_date")] == ["+", "~"]
    assert not hasattr(User.history.model, "password")


def test_logins_leave_no_account_history(client, db):
    UserFactory(username="h2", role="viewer")
    user = User.objects.get(username="h2")
    before = User.history.filter(id=user.pk).count()
    client.post(reverse("login"), {"username": "h2", "password": "secret-pass-123"})
    assert User.objects.get(pk=user.pk).last_login is not None
    assert User.history.filter(id=user.pk).count() == before
