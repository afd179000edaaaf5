"""Pages of login security: change password, set up and pass two-factor login, and the administrators' list."""

from base64 import b32encode

import django_otp
import segno
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from access import lockout, services
from access.forms import TokenForm
from access.policy import must_change_password, two_factor_required
from assessment.models import User
from assessment.permissions import requires
from audit import record

BACKUP_CODES_KEY = "access_backup_codes"


def _next_url(request):
    """Where to go after this step: a path of this site, else the home page (never a view name taken from input)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    ok = target.startswith("/") and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure())
    return target if ok else reverse("home")


@never_cache
@login_required
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.change_own_password(request, form)
        update_session_auth_hash(request, user)
        messages.success(request, _("密码已修改。"))
        return redirect(_next_url(request))
    forced = must_change_password(request.user)
    return render(request, "access/password_change.html", {"form": form, "forced": forced, "next": _next_url(request)})


@never_cache
@login_required
def two_factor_enrol(request):
    """Show the authenticator's QR code and secret; a correct code confirms it and leads to the backup codes."""
    if user_has_device(request.user):
        return redirect(_next_url(request))
    device = services.pending_totp_device(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = services.confirm_totp_device(request, device, form.cleaned_data["token"])
        if codes is not None:
            django_otp.login(request, device)
            request.session[BACKUP_CODES_KEY] = codes
            return redirect(f"{reverse('two-factor-backup-codes')}?{urlencode({'next': _next_url(request)})}")
        form.add_error("token", _("验证码不正确，请核对手机时间后重新输入最新的验证码（连续输错须稍候再试）。"))
    context = {"form": form, "qr_svg": _qr_svg(device), "secret": _secret(device), "next": _next_url(request)}
    return render(request, "access/two_factor_enrol.html", context)


def _qr_svg(device):
    """The otpauth:// address as an inline SVG drawn here: the secret never leaves the server."""
    return segno.make(device.config_url, error="m").svg_inline(scale=5)


def _secret(device):
    text = b32encode(device.bin_key).decode()
    return " ".join(text[i:i + 4] for i in range(0, len(text), 4))


@never_cache
@login_required
def two_factor_backup_codes(request):
    """The backup codes just made, shown once: they are taken out of the session here."""
    codes = request.session.pop(BACKUP_CODES_KEY, None)
    if not codes:
        return redirect(_next_url(request))
    return render(request, "access/two_factor_backup_codes.html", {"codes": codes, "next": _next_url(request)})


@never_cache
@login_required
def two_factor_verify(request):
    if request.user.is_verified() or not user_has_device(request.user):
        return redirect(_next_url(request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = _matching_device(request.user, form.cleaned_data["token"])
        if device is not None:
            django_otp.login(request, device)
            return redirect(_next_url(request))
        record(request, "2fa_failed", stage="login")
        form.add_error("token", _("验证码不正确或已使用，请重新输入（连续输错须稍候再试）。"))
    return render(request, "access/two_factor_verify.html", {"form": form, "next": _next_url(request)})


def _matching_device(user, token):
    for device in devices_for_user(user):
        verified = django_otp.verify_token(user, device.persistent_id, token)
        if verified is not None:
            return verified
    return None


@never_cache
@requires("can_manage_accounts")
def account_security(request):
    """账号安全: who is locked out, who has two-factor login, who must change their password."""
    users = User.objects.filter(is_active=True).select_related("town", "unit").order_by("role", "username")
    if request.user.district_id is not None:
        district = request.user.district_id
        users = users.filter(Q(district_id=district) | Q(town__district_id=district))
    users = list(users)
    locked = lockout.locked_usernames([u.username for u in users])
    enrolled = set(TOTPDevice.objects.filter(user__in=users, confirmed=True).values_list("user_id", flat=True))
    rows = [{"user": u, "locked": u.username in locked, "enrolled": u.pk in enrolled,
             "needs_2fa": two_factor_required(u)} for u in users]
    return render(request, "access/account_security.html", {"rows": rows})


def _managed_user(request, pk):
    users = User.objects.all()
    if request.user.district_id is not None:
        users = users.filter(Q(district_id=request.user.district_id) | Q(town__district_id=request.user.district_id))
    return get_object_or_404(users, pk=pk)


@requires("can_manage_accounts")
@require_POST
def account_unlock(request, pk):
    user = _managed_user(request, pk)
    services.unlock(request, user)
    messages.success(request, _("已解除账号“%(name)s”的登录锁定。") % {"name": user.username})
    return redirect("account-security")


@requires("can_manage_accounts")
@require_POST
def account_reset_two_factor(request, pk):
    user = _managed_user(request, pk)
    services.reset_two_factor(request, user)
    messages.success(request, _("已重置账号“%(name)s”的两步验证，其下次登录时须重新绑定。") % {"name": user.username})
    return redirect("account-security")
