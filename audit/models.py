"""The security audit trail (安全审计): who did what, when, from where.

Records are append-only: `save` refuses to change a stored record and `delete` refuses outright; only
`purge_audit` removes records, and only those older than the retention period (at least 180 days).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditError(Exception):
    """An attempt to change or delete an audit record."""


class RecordQuerySet(models.QuerySet):
    """Bulk update and delete are refused too; `expire` is the one way out, used by `purge_audit`."""

    def update(self, **kwargs):
        raise AuditError(_("审计记录不能修改。"))

    def delete(self):
        raise AuditError(_("审计记录不能删除。"))

    def expire(self):
        return super().delete()[0]


class Record(models.Model):
    class Kind(models.TextChoices):
        LOGIN = "login", _("登录")
        LOGOUT = "logout", _("退出")
        LOGIN_FAILED = "login_failed", _("登录失败")
        LOCKOUT = "lockout", _("账号锁定")
        UNLOCK = "unlock", _("解除锁定")
        PASSWORD_CHANGE = "password_change", _("修改密码")
        PASSWORD_RESET = "password_reset", _("管理员重置密码")
        TWO_FACTOR_ENROL = "2fa_enrol", _("绑定两步验证")
        TWO_FACTOR_FAILED = "2fa_failed", _("两步验证失败")
        TWO_FACTOR_RESET = "2fa_reset", _("重置两步验证")
        IDLE_LOGOUT = "idle_logout", _("超时退出")
        EVIDENCE_DOWNLOAD = "evidence_download", _("下载佐证材料")
        EXPORT = "export", _("导出")

    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("用户")
    )
    username = models.CharField(_("用户名"), max_length=150, blank=True)
    at = models.DateTimeField(_("时间"), db_index=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    user_agent = models.CharField(_("浏览器"), max_length=300, blank=True)
    detail = models.JSONField(_("对象与详情"), default=dict, blank=True)

    objects = RecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.username}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AuditError(_("审计记录不能修改。"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditError(_("审计记录不能删除。"))
