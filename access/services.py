"""Every change to an account's login security, each under one transaction and each recorded in the audit."""

import secrets

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from access import lockout
from audit import record

BACKUP_CODES = 10


def change_own_password(request, form):
    """Save a valid PasswordChangeForm; the account no longer has to change its password."""
    with transaction.atomic():
        user = form.save(commit=False)
        user.must_change_password = False
        user.save()
        record(request, "password_change", user=user)
    return user


def mark_password_reset(request, user):
    """An administrator set `user`'s password: its owner must choose a new one at the next login."""
    with transaction.atomic():
        user.must_change_password = True
        user.save(update_fields=["must_change_password"])
        record(request, "password_reset", target=user.username)


def unlock(request, user):
    with transaction.atomic():
        count = lockout.unlock(user.username)
        record(request, "unlock", target=user.username, attempts=count)
    return count


def pending_totp_device(user):
    """The unconfirmed authenticator being set up, made on first call and kept until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    return device or TOTPDevice.objects.create(user=user, name="身份验证器", confirmed=False)


def confirm_totp_device(request, device, token):
    """Confirm `device` with a code from the app; returns the new backup codes, or None if the code is wrong."""
    with transaction.atomic():
        if not device.verify_token(token):
            record(request, "2fa_failed", stage="enrol")
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
        codes = new_backup_codes(device.user)
        record(request, "2fa_enrol", user=device.user)
    return codes


def new_backup_codes(user):
    """Replace the user's backup codes with BACKUP_CODES fresh one-time codes; they are shown once."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="备用码")
    codes = [secrets.token_hex(4) for _ in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def reset_two_factor(request, user):
    """Remove the user's authenticator and backup codes; at the next login they set up a new one."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        record(request, "2fa_reset", target=user.username)
