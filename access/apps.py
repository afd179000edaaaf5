from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    """Login security (等保): lockout, password policy, two-factor login, idle timeout."""

    name = "access"
    verbose_name = _("登录安全")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from access.middleware import mark_seen

        user_logged_in.connect(mark_seen, dispatch_uid="access-mark-seen")
