"""The assessment standard (评估标准) and the people and places it is applied to.

The standard is a tree: Rubric → Section (一类指标) → Indicator (二类指标) →
Criterion (考察点). Points live on every level; `assessment.standard` checks
that each level sums to its parent.
"""

import calendar
import datetime
from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

POINTS = {"max_digits": 5, "decimal_places": 1, "validators": [MinValueValidator(Decimal("0"))]}


class District(models.Model):
    name = models.CharField(_("名称"), max_length=50, unique=True)

    class Meta:
        verbose_name = _("区")
        verbose_name_plural = _("区")

    def __str__(self):
        return self.name


class Town(models.Model):
    class Kind(models.TextChoices):
        STREET = "街道", _("街道")
        TOWN = "镇", _("镇")

    district = models.ForeignKey(District, models.PROTECT, related_name="towns", verbose_name=_("区"))
    name = models.CharField(_("名称"), max_length=50)
    kind = models.CharField(_("类型"), max_length=4, choices=Kind.choices)
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("街镇")
        verbose_name_plural = _("街镇")
        ordering = ["district", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["district", "name"], name="unique_town_per_district")]

    def __str__(self):
        return self.name


class ResponsibleUnit(models.Model):
    class Level(models.TextChoices):
        DISTRICT = "district", _("区级部门")
        TOWN = "town", _("街镇")

    name = models.CharField(_("名称"), max_length=50, unique=True)
    level = models.CharField(_("层级"), max_length=10, choices=Level.choices)

    class Meta:
        verbose_name = _("责任单位")
        verbose_name_plural = _("责任单位")
        ordering = ["level", "name"]

    def __str__(self):
        return self.name


class Rubric(models.Model):
    title = models.CharField(_("标题"), max_length=200)
    version = models.CharField(_("版本"), max_length=20)
    total_points = models.DecimalField(_("总分"), **POINTS)
    source = models.CharField(_("出处"), max_length=200, blank=True)
    notes = models.TextField(_("录入说明"), blank=True)

    class Meta:
        verbose_name = _("评估标准")
        verbose_name_plural = _("评估标准")
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["title", "version"], name="unique_rubric_version")]

    def __str__(self):
        return f"{self.title}（{self.version}）"


class Section(models.Model):
    rubric = models.ForeignKey(Rubric, models.CASCADE, related_name="sections", verbose_name=_("评估标准"))
    code = models.CharField(_("编号"), max_length=10)
    title = models.CharField(_("名称"), max_length=100)
    points = models.DecimalField(_("分值"), **POINTS)
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("一类指标")
        verbose_name_plural = _("一类指标")
        ordering = ["rubric", "order"]
        constraints = [models.UniqueConstraint(fields=["rubric", "code"], name="unique_section_code")]

    def __str__(self):
        return f"{self.code}. {self.title}"


class Indicator(models.Model):
    section = models.ForeignKey(Section, models.CASCADE, related_name="indicators", verbose_name=_("一类指标"))
    code = models.CharField(_("编号"), max_length=10)
    title = models.CharField(_("名称"), max_length=100)
    points = models.DecimalField(_("分值"), **POINTS)
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("二类指标")
        verbose_name_plural = _("二类指标")
        ordering = ["section", "order"]
        constraints = [models.UniqueConstraint(fields=["section", "code"], name="unique_indicator_code")]

    def __str__(self):
        return f"{self.code} {self.title}"


class Metric(models.Model):
    """A figure a town reports once per round; several criteria may read it."""

    class Kind(models.TextChoices):
        COUNT = "count", _("数量")
        AMOUNT = "amount", _("金额")
        MINUTES = "minutes", _("分钟")
        PERCENT = "percent", _("百分比")

    rubric = models.ForeignKey(Rubric, models.CASCADE, related_name="metrics", verbose_name=_("评估标准"))
    code = models.SlugField(_("代码"), max_length=50)
    label = models.CharField(_("名称"), max_length=100)
    unit = models.CharField(_("单位"), max_length=10)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    whole = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="parts", verbose_name=_("所属总数")
    )
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("指标数据项")
        verbose_name_plural = _("指标数据项")
        ordering = ["rubric", "order"]
        constraints = [models.UniqueConstraint(fields=["rubric", "code"], name="unique_metric_code")]

    def __str__(self):
        return f"{self.label}（{self.unit}）"


class Criterion(models.Model):
    indicator = models.ForeignKey(Indicator, models.CASCADE, related_name="criteria", verbose_name=_("二类指标"))
    code = models.CharField(_("编号"), max_length=10, help_text=_("原文编号，如 2.3⑤；无圈码的按顺序编为 1.4.2"))
    title = models.CharField(_("考察点"), max_length=200)
    content = models.TextField(_("评估内容"))
    points = models.DecimalField(_("分值"), **POINTS)
    responsible_units = models.ManyToManyField(
        ResponsibleUnit, through="CriterionUnit", related_name="criteria", verbose_name=_("责任单位")
    )
    deadline = models.DateField(_("完成时间"), help_text=_("完成月份的第一天"))
    deadline_is_span = models.BooleanField(_("持续至完成时间"), default=False, help_text=_("原文为“现在到……”"))
    metrics = models.ManyToManyField(Metric, blank=True, related_name="criteria", verbose_name=_("指标数据项"))
    rule = models.JSONField(_("自动评分规则"), null=True, blank=True)
    note = models.TextField(_("录入说明"), blank=True)
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("考察点")
        verbose_name_plural = _("考察点")
        ordering = ["indicator", "order"]
        constraints = [models.UniqueConstraint(fields=["indicator", "code"], name="unique_criterion_code")]

    def __str__(self):
        return f"{self.code} {self.title}"

    @property
    def deadline_month(self):
        return self.deadline.strftime("%Y-%m")

    @property
    def deadline_last_day(self):
        last = calendar.monthrange(self.deadline.year, self.deadline.month)[1]
        return datetime.date(self.deadline.year, self.deadline.month, last)


class CriterionUnit(models.Model):
    """Keeps the 责任单位 in the order the standard prints them."""

    criterion = models.ForeignKey(Criterion, models.CASCADE, related_name="unit_links", verbose_name=_("考察点"))
    unit = models.ForeignKey(ResponsibleUnit, models.PROTECT, related_name="criterion_links", verbose_name=_("责任单位"))
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("考察点责任单位")
        verbose_name_plural = _("考察点责任单位")
        ordering = ["criterion", "order"]
        constraints = [models.UniqueConstraint(fields=["criterion", "unit"], name="unique_criterion_unit")]

    def __str__(self):
        return str(self.unit)


class User(AbstractUser):
    """A portal account; the role decides what it may see and do.

    A town official is bound to exactly one town, a department official to
    exactly one responsible unit (enforced in `clean`).
    """

    class Role(models.TextChoices):
        TOWN = "town", _("街镇填报员")
        DEPARTMENT = "department", _("部门填报员")
        REVIEWER = "reviewer", _("视频办评审员")
        VIEWER = "viewer", _("领导")
        ADMIN = "admin", _("管理员")

    role = models.CharField(_("角色"), max_length=12, choices=Role.choices, default=Role.VIEWER)
    town = models.ForeignKey(Town, models.PROTECT, null=True, blank=True, related_name="users", verbose_name=_("街镇"))
    unit = models.ForeignKey(
        ResponsibleUnit, models.PROTECT, null=True, blank=True, related_name="users", verbose_name=_("责任单位")
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def clean(self):
        from django.core.exceptions import ValidationError

        super().clean()
        if self.role == self.Role.TOWN and self.town_id is None:
            raise ValidationError({"town": _("街镇填报员必须指定所属街镇。")})
        if self.role == self.Role.DEPARTMENT and self.unit_id is None:
            raise ValidationError({"unit": _("部门填报员必须指定所属责任单位。")})
        if self.role != self.Role.TOWN and self.town_id is not None:
            raise ValidationError({"town": _("只有街镇填报员可以绑定街镇。")})

    @property
    def sees_all_towns(self):
        return self.is_superuser or self.role in {self.Role.REVIEWER, self.Role.VIEWER, self.Role.ADMIN}
