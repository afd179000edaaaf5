"""Systems that use the API (系统对接): their keys, their calls, and the feed of what happened.

An `ApiClient` is a key of djangorestframework-api-key (stored hashed, shown once) bound to a service account:
a `User` with the client's role and scope that cannot log in to pages. Every API view sees `request.user` =
that account, so what a system may read or write is decided by `assessment.scoping` and the services, exactly
as for a person.
"""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.models import AbstractAPIKey, BaseAPIKeyManager

from assessment.models import Round, Submission, User

RATE = re.compile(r"^[1-9]\d{0,5}/(s|sec|m|min|h|hour|d|day)$")


def validate_rate(value):
    if not RATE.match(value):
        raise ValidationError(_("限速格式应为“次数/周期”，如 120/min、5000/day。"))


class ApiClientManager(BaseAPIKeyManager):
    def get_usable_keys(self):
        # One query per call: the key with its service account.
        return super().get_usable_keys().select_related("user")


class ApiClient(AbstractAPIKey):
    """A system's key (对接系统). `name` names the system; `user` is its service account (see module doc)."""

    ROLES = [User.Role.REVIEWER, User.Role.VIEWER, User.Role.TOWN, User.Role.DEPARTMENT]

    objects = ApiClientManager()

    user = models.OneToOneField(User, models.PROTECT, related_name="api_client", verbose_name=_("服务账号"))
    rate = models.CharField(
        _("限速"), max_length=20, default="600/min", validators=[validate_rate],
        help_text=_("每个对接系统单独计数，如 600/min"),
    )
    note = models.TextField(_("备注"), blank=True)

    class Meta(AbstractAPIKey.Meta):
        verbose_name = _("对接系统")
        verbose_name_plural = _("对接系统")

    @property
    def scope_label(self):
        user = self.user
        return str(user.town or user.unit or user.district or _("全市"))


class ApiCall(models.Model):
    """One call of a client: written once per request (a single INSERT), read by administrators."""

    client = models.ForeignKey(ApiClient, models.CASCADE, related_name="calls", verbose_name=_("对接系统"))
    method = models.CharField(_("方法"), max_length=8)
    endpoint = models.CharField(_("路径"), max_length=200)
    status = models.PositiveSmallIntegerField(_("状态码"))
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("接口调用记录")
        verbose_name_plural = _("接口调用记录")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.method} {self.endpoint} {self.status}"


class Event(models.Model):
    """What happened (事件), in the order it happened; `id` is the feed's cursor (`/api/v1/events/?after=`).

    Written in the same transaction as the change it reports (see `integrations.events`), so a rolled-back
    change leaves no event.
    """

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("已提交")
        WITHDRAWN = "withdrawn", _("已撤回")
        RETURNED = "returned", _("已退回")
        SCORED = "scored", _("已评分")
        ROUND_STATE = "round_state", _("考评状态变更")
        PUBLISHED = "published", _("结果已公布")
        EXTENSION_DECIDED = "extension_decided", _("延期申请已审批")
        APPEAL_DECIDED = "appeal_decided", _("复核申请已处理")

    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    round = models.ForeignKey(Round, models.CASCADE, related_name="+", verbose_name=_("年度考评"))
    submission = models.ForeignKey(
        Submission, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("填报"),
    )
    detail = models.JSONField(_("内容"), default=dict, blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("事件")
        verbose_name_plural = _("事件")
        ordering = ["id"]

    def __str__(self):
        return f"#{self.pk} {self.get_kind_display()}"

