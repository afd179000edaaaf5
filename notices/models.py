"""站内消息, 通知公告, 催办 and 到期提醒.

A `Message` is one user's notification; e-mail is one of its channels (`notices.send`). An `Announcement` is
posted by the 视频办 to a round or to everyone. An `Urge` is a reviewer's reminder to towns or departments of
a round, listing the items it named. `ReminderLog` keeps the daily deadline digests from going out twice.
"""

import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from assessment.models import District, ResponsibleUnit, Round, Submission, Town

DEFAULT_REMINDER_DAYS = (7, 3, 1)


class Message(models.Model):
    class Kind(models.TextChoices):
        RETURNED = "returned", _("退回修改")
        ROUND_OPENED = "round_opened", _("考评开始填报")
        RESULTS = "results", _("结果公布")
        URGE = "urge", _("催办")
        REMINDER = "reminder", _("到期提醒")
        OTHER = "other", _("其他")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="notices", verbose_name=_("收件人"))
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    subject = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True, help_text=_("门户内的地址，打开消息时前往"))
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内消息")
        verbose_name_plural = _("站内消息")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notice_user_unread")]

    def __str__(self):
        return self.subject


def attachment_path(instance, filename):
    """A random stored name: the original name is kept only in the database."""
    suffix = Path(filename).suffix.lower()[:10]
    return f"announcements/{uuid.uuid4().hex}{suffix}"


class Announcement(models.Model):
    """通知公告: to one round's users, or (without a round) to everyone of `district` (everyone, if none)."""

    round = models.ForeignKey(
        Round, models.CASCADE, null=True, blank=True, related_name="announcements", verbose_name=_("年度考评"),
        help_text=_("留空则发给所有人"),
    )
    district = models.ForeignKey(
        District, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("区"),
        help_text=_("不属于某轮考评的公告发给该区的所有人；留空为全市"),
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"))
    attachment = models.FileField(_("附件"), upload_to=attachment_path, max_length=200, blank=True)
    attachment_name = models.CharField(_("附件原文件名"), max_length=255, blank=True)
    pinned = models.BooleanField(_("置顶"), default=False)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", verbose_name=_("发布人")
    )
    posted_at = models.DateTimeField(_("发布时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("通知公告")
        verbose_name_plural = _("通知公告")
        ordering = ["-pinned", "-posted_at", "-id"]

    def __str__(self):
        return self.title


class AnnouncementRead(models.Model):
    announcement = models.ForeignKey(Announcement, models.CASCADE, related_name="reads", verbose_name=_("通知公告"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name=_("用户"))
    read_at = models.DateTimeField(_("阅读时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("公告阅读记录")
        verbose_name_plural = _("公告阅读记录")
        constraints = [models.UniqueConstraint(fields=["announcement", "user"], name="unique_announcement_read")]

    def __str__(self):
        return f"{self.user} · {self.announcement}"


class Urge(models.Model):
    """催办: a reviewer's reminder to some towns and departments of a round, with the items it listed."""

    round = models.ForeignKey(Round, models.CASCADE, related_name="urges", verbose_name=_("年度考评"))
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+",
                               verbose_name=_("催办人"))
    note = models.TextField(_("附言"), blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    items = models.ManyToManyField(Submission, blank=True, related_name="urges", verbose_name=_("催办的考察点"))

    class Meta:
        verbose_name = _("催办")
        verbose_name_plural = _("催办")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.round} · {self.created_at:%Y-%m-%d %H:%M}"


class UrgeRecipient(models.Model):
    """One town or one department an urge went to: how many items it listed and how many accounts got it."""

    urge = models.ForeignKey(Urge, models.CASCADE, related_name="recipients", verbose_name=_("催办"))
    town = models.ForeignKey(Town, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("街镇"))
    unit = models.ForeignKey(ResponsibleUnit, models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("责任单位"))
    item_count = models.PositiveIntegerField(_("待办考察点数"), default=0)
    user_count = models.PositiveIntegerField(_("收到消息的账号数"), default=0)

    class Meta:
        verbose_name = _("催办对象")
        verbose_name_plural = _("催办对象")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(town__isnull=False, unit__isnull=True) | models.Q(town__isnull=True, unit__isnull=False),
                name="urge_recipient_town_xor_unit",
            ),
        ]

    def __str__(self):
        return str(self.town or self.unit)

    @property
    def name(self):
        return str(self.town or self.unit)


def validate_days(value):
    try:
        days = parse_days(value)
    except ValueError:
        raise ValidationError(_("请填写用逗号分隔的天数，如 7,3,1。")) from None
    if not days:
        raise ValidationError(_("请至少填写一个天数。"))


def parse_days(text):
    """"7, 3,1" → (7, 3, 1): whole days from 0 to 365, largest first."""
    days = {int(part) for part in text.replace("，", ",").split(",") if part.strip()}
    if any(not 0 <= day <= 365 for day in days):
        raise ValueError(text)
    return tuple(sorted(days, reverse=True))


class ReminderSetting(models.Model):
    """A round's deadline reminders; a round without one uses 7, 3 and 1 days and reminds of overdue items."""

    round = models.OneToOneField(Round, models.CASCADE, related_name="reminder_setting", verbose_name=_("年度考评"))
    days = models.CharField(
        _("提前提醒天数"), max_length=50, default="7,3,1", validators=[validate_days],
        help_text=_("距完成时间最后一天的天数，用逗号分隔，如 7,3,1"),
    )
    remind_overdue = models.BooleanField(_("逾期未交每天提醒"), default=True)

    class Meta:
        verbose_name = _("到期提醒设置")
        verbose_name_plural = _("到期提醒设置")

    def __str__(self):
        return str(self.round)

    @property
    def day_list(self):
        return parse_days(self.days)


class ReminderLog(models.Model):
    """One digest of due items sent to one user for one round on one day: a second run that day sends nothing."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name=_("收件人"))
    round = models.ForeignKey(Round, models.CASCADE, related_name="+", verbose_name=_("年度考评"))
    day = models.DateField(_("日期"))
    item_count = models.PositiveIntegerField(_("考察点数"), default=0)
    created_at = models.DateTimeField(_("发送时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("到期提醒记录")
        verbose_name_plural = _("到期提醒记录")
        constraints = [models.UniqueConstraint(fields=["user", "round", "day"], name="unique_reminder_per_day")]

    def __str__(self):
        return f"{self.user} · {self.day}"
