from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    """Login security (等保): lockout, password policy, two-factor login, idle timeout."""

    name = "access"
    verbose_name = _("登录安全")

    def ready(self):
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in

        from access.lockout import flag_django_request
        from access.middleware import mark_seen

        user_logged_in.connect(mark_seen, dispatch_uid="access-mark-seen")
        user_locked_out.connect(flag_django_request, dispatch_uid="access-flag-api-lockout")
