"""延期申请 (Extension) and 复核申请 (Appeal): a filler's request about one item, and a reviewer's decision.

Both change only in `appeals.services`. A granted extension's date is the item's deadline day for the
engine (`scoring.loader`); an appeal that changes a score changes the item's `Review` like any score change.
"""

import enum
import uuid
from pathlib import Path

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from assessment.models import POINTS, Round, Submission, User

DEFAULT_APPEAL_DAYS = 15


def extension_file_path(instance, filename):
    """A random stored name: the original name is kept only in the database."""
    suffix = Path(filename).suffix.lower()[:10]
    return f"extensions/{instance.submission.round_id}/{uuid.uuid4().hex}{suffix}"


class Extension(models.Model):
    """A request for a later deadline (a day) for one item, and the reviewer's decision."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审批")
        GRANTED = "granted", _("已批准")
        REFUSED = "refused", _("未批准")

    submission = models.ForeignKey(Submission, models.CASCADE, related_name="extensions", verbose_name=_("填报"))
    asked_until = models.DateField(_("申请延期至"))
    reason = models.TextField(_("申请理由"))
    file = models.FileField(_("佐证材料"), upload_to=extension_file_path, max_length=200, blank=True)
    original_name = models.CharField(_("原文件名"), max_length=255, blank=True)
    kind = models.CharField(_("文件类型"), max_length=10, blank=True)
    size = models.PositiveBigIntegerField(_("大小（字节）"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    requested_by = models.ForeignKey(User, models.PROTECT, related_name="+", verbose_name=_("申请人"))
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    granted_until = models.DateField(_("批准延期至"), null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True)
    decided_by = models.ForeignKey(
        User, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("审批人")
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=0)

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["submission"], condition=Q(status="pending"),
                                    name="one_pending_extension_per_item"),
            models.CheckConstraint(condition=Q(status="granted", granted_until__isnull=False) | ~Q(status="granted"),
                                   name="granted_extension_has_date"),
        ]
        indexes = [models.Index(fields=["submission", "status"])]

    def __str__(self):
        return f"{self.submission} · {self.get_status_display()}"


class Appeal(models.Model):
    """A town's request to review a published score, and the reviewer's decision (keep or change)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待复核")
        KEPT = "kept", _("维持原评分")
        CHANGED = "changed", _("已调整评分")

        DECIDED = enum.nonmember(frozenset({"kept", "changed"}))

    submission = models.ForeignKey(Submission, models.CASCADE, related_name="appeals", verbose_name=_("填报"))
    reason = models.TextField(_("申请理由"))
    requested_by = models.ForeignKey(User, models.PROTECT, related_name="+", verbose_name=_("申请人"))
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    points_before = models.DecimalField(_("原得分"), null=True, blank=True, **POINTS)
    points_after = models.DecimalField(_("复核后得分"), null=True, blank=True, **POINTS)
    reply = models.TextField(_("复核意见"), blank=True, help_text=_("维持原评分的答复，或调整评分的理由"))
    decided_by = models.ForeignKey(
        User, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("复核人")
    )
    decided_at = models.DateTimeField(_("复核时间"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=0)

    class Meta:
        verbose_name = _("复核申请")
        verbose_name_plural = _("复核申请")
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["submission"], name="one_appeal_per_item"),
        ]

    def __str__(self):
        return f"{self.submission} · {self.get_status_display()}"

    @property
    def is_decided(self):
        return self.status in self.Status.DECIDED


class RoundAppealSettings(models.Model):
    """How many days after publication a town may ask for a 复核; without a row, `DEFAULT_APPEAL_DAYS`."""

    round = models.OneToOneField(Round, models.CASCADE, related_name="appeal_settings", verbose_name=_("年度考评"))
    appeal_days = models.PositiveSmallIntegerField(
        _("复核申请期限（天）"), default=DEFAULT_APPEAL_DAYS, help_text=_("结果公布后多少天内可申请复核"),
    )

    class Meta:
        verbose_name = _("复核设置")
        verbose_name_plural = _("复核设置")

    def __str__(self):
        return f"{self.round} · {self.appeal_days}"
