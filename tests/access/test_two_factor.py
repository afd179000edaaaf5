import re

import pytest
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import Record
from tests.factories import UserFactory

PASSWORD = "secret-pass-123"
pytestmark = pytest.mark.usefixtures("two_factor_on")


@pytest.fixture
def two_factor_on(db):
    with override_settings(REQUIRE_2FA=True):
        yield


def code(device):
    return str(TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()).zfill(6)


def login(client, user):
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client.get(reverse("round-list"))


def enrol(client):
    client.get(reverse("two-factor-enrol"))
    device = TOTPDevice.objects.get(confirmed=False)
    response = client.post(reverse("two-factor-enrol"), {"token": code(device), "next": "/rounds/"})
    assert response.status_code == 302
    return re.findall(r"<li><code>([0-9a-f]{8})</code></li>", client.get(response["Location"]).content.decode())


@pytest.mark.parametrize("role", ["reviewer", "admin"])
def test_reviewer_and_admin_must_enrol_then_verify(client, role):
    user = UserFactory(username=f"{role}1", role=role)
    response = login(client, user)
    assert response["Location"] == "/accounts/two-factor/enrol/?next=%2Frounds%2F"
    page = client.get(response["Location"]).content.decode()
    assert '<div class="qr" id="totp-qr"><svg' in page
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed is False
    assert client.post(reverse("two-factor-enrol"), {"token": "000000"}).status_code == 200
    assert Record.objects.filter(kind="2fa_failed", user=user).count() == 1
    # django-otp makes the next try wait after a wrong code; the test does not wait for it.
    TOTPDevice.objects.filter(user=user).update(throttling_failure_count=0, throttling_failure_timestamp=None)

    codes = enrol(client)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get(reverse("two-factor-backup-codes")).status_code == 302  # shown once only
    assert client.get(reverse("round-list")).status_code == 200
    assert Record.objects.filter(kind="2fa_enrol", user=user).count() == 1

    client.post(reverse("logout"))
    assert login(client, user)["Location"] == "/accounts/two-factor/verify/?next=%2Frounds%2F"
    assert client.get("/admin/")["Location"] == "/accounts/two-factor/verify/?next=%2Fadmin%2F"
    assert client.get(reverse("api-rounds")).status_code == 403
    response = client.post(reverse("two-factor-verify"), {"token": codes[0], "next": "/rounds/"})
    assert response["Location"] == "/rounds/"
    assert client.get(reverse("round-list")).status_code == 200
    assert StaticToken.objects.filter(device__user=user).count() == 9

    client.post(reverse("logout"))
    login(client, user)
    page = client.post(reverse("two-factor-verify"), {"token": codes[0]}).content.decode()
    assert "验证码不正确或已使用" in page  # a backup code works once
    assert client.get(reverse("round-list")).status_code == 302


def test_totp_code_passes_verification(client):
    user = UserFactory(username="reviewer2", role="reviewer")
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    login(client, user)
    assert client.post(reverse("two-factor-verify"), {"token": code(device)}).status_code == 302
    assert client.get(reverse("round-list")).status_code == 200


def test_town_official_needs_no_second_factor(client, town_a):
    official = UserFactory(username="town1", role="town", town=town_a)
    assert login(client, official).status_code == 200


def test_not_required_when_setting_off(client):
    with override_settings(REQUIRE_2FA=False):
        assert login(client, UserFactory(username="reviewer3", role="reviewer")).status_code == 200


def test_admin_resets_second_factor(client, admin_user):
    user = UserFactory(username="reviewer4", role="reviewer")
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    admin_device = TOTPDevice.objects.create(user=admin_user, name="app", confirmed=True)
    client.post(reverse("login"), {"username": "admin", "password": PASSWORD})
    client.post(reverse("two-factor-verify"), {"token": code(admin_device)})
    page = client.get(reverse("account-security")).content.decode()
    assert f'action="/accounts/security/{user.pk}/reset-2fa/"' in page
    assert client.post(reverse("account-reset-2fa", args=[user.pk])).status_code == 302
    assert TOTPDevice.objects.filter(user=user).count() == 0
    assert Record.objects.get(kind="2fa_reset").detail == {"target": "reviewer4"}


def test_second_factor_comes_before_password_change(client):
    user = UserFactory(username="reviewer5", role="reviewer", must_change_password=True)
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    login(client, user)
    response = client.get(reverse("password-change"))
    assert response["Location"] == "/accounts/two-factor/verify/?next=%2Faccounts%2Fpassword%2F"
    client.post(reverse("two-factor-verify"), {"token": code(device)})
    assert client.get(reverse("round-list"))["Location"] == "/accounts/password/?next=%2Frounds%2F"
