"""The assessment standard (评估标准) and the people and places it is applied to.

The standard is a tree: Rubric → Section (一类指标) → Indicator (二类指标) →
Criterion (考察点). Points live on every level; `assessment.standard` checks
that each level sums to its parent.
"""

import calendar
import datetime
import enum
import uuid
from decimal import Decimal
from pathlib import Path

from django.contrib.auth.models import AbstractUser
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

POINTS = {"max_digits": 5, "decimal_places": 1, "validators": [MinValueValidator(Decimal("0"))]}


class City(models.Model):
    """A 设区市; its districts are compared with each other, and cities across the province."""

    name = models.CharField(_("名称"), max_length=50, unique=True)
    code = models.CharField(_("行政区划代码"), max_length=12, unique=True, help_text=_("如南京市 320100"))

    class Meta:
        verbose_name = _("设区市")
        verbose_name_plural = _("设区市")
        ordering = ["code"]

    def __str__(self):
        return self.name


class District(models.Model):
    """A 区/县. One without a city is seen only by its own accounts and province-level ones."""

    name = models.CharField(_("名称"), max_length=50, unique=True)
    city = models.ForeignKey(
        City, models.PROTECT, null=True, blank=True, related_name="districts", verbose_name=_("设区市")
    )

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
    code = models.CharField(
        _("行政区划代码"), max_length=12, blank=True, help_text=_("国家统计局统计用区划代码，12 位"),
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

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

    history = HistoricalRecords()
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

    history = HistoricalRecords()
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

    history = HistoricalRecords()
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
    answered_once = models.BooleanField(
        _("全区统一填报"), default=False,
        help_text=_("全区只需答一次（如 2.3① 区级平台）：部门填一份，写入本轮每个街镇的该项"),
    )
    order = models.PositiveIntegerField(_("排序"), default=0)

    history = HistoricalRecords()
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

    history = HistoricalRecords()
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
    district = models.ForeignKey(
        District, models.PROTECT, null=True, blank=True, related_name="users", verbose_name=_("所属区"),
        help_text=_("区级账号只看本区；区和设区市都留空为省级账号，可看所有区。街镇填报员随所属街镇。"),
    )
    city = models.ForeignKey(
        City, models.PROTECT, null=True, blank=True, related_name="users", verbose_name=_("所属设区市"),
        help_text=_("市级账号看本市各区；区级账号和街镇填报员请留空。"),
    )
    phone = models.CharField(_("手机"), max_length=20, blank=True)
    must_change_password = models.BooleanField(
        _("下次登录须修改密码"), default=False,
        help_text=_("管理员新建、导入或重置密码的账号，首次登录须先修改密码"),
    )
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["password", "last_login", "password_changed_at"])

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
        if self.role == self.Role.TOWN and self.district_id is not None:
            raise ValidationError({"district": _("街镇填报员的所属区由其街镇决定，请留空。")})
        if self.city_id is not None and (self.district_id is not None or self.role == self.Role.TOWN):
            raise ValidationError({"city": _("区级账号和街镇填报员的设区市由所属区决定，请留空。")})

    @classmethod
    def from_db(cls, db, field_names, values):
        user = super().from_db(db, field_names, values)
        user._stored_password = user.__dict__.get("password")
        return user

    def save(self, *args, **kwargs):
        """Dates every new password hash, however it was set (set_password, create_user, a form, an import), so its
        age (PASSWORD_MAX_AGE_DAYS) is always known; a login's last_login update leaves no history record."""
        from django.utils import timezone

        stored = getattr(self, "_stored_password", None)
        if "password" in self.__dict__ and self.password != stored:
            self.password_changed_at = timezone.now()
            update_fields = kwargs.get("update_fields")
            if update_fields is not None and "password" in update_fields:
                kwargs["update_fields"] = {*update_fields, "password_changed_at"}
        quiet = kwargs.get("update_fields") is not None and set(kwargs["update_fields"]) <= {"last_login"}
        if quiet:
            self.skip_history_when_saving = True  # each login saves last_login: no history record for that
        try:
            super().save(*args, **kwargs)
        finally:
            if quiet:
                del self.skip_history_when_saving
        self._stored_password = self.__dict__.get("password")

    # Roles, each in one place; views, services, templates and the API ask these.

    class Level(models.TextChoices):
        TOWN = "town", _("街镇")
        DISTRICT = "district", _("区县")
        CITY = "city", _("设区市")
        PROVINCE = "province", _("省")

    @property
    def level(self):
        """How far the account reaches: its town, its district, its city's districts, or every district (province).

        An account bound to neither a district nor a city is province-level: it sees every district.
        """
        if self.town_id is not None:
            return self.Level.TOWN
        if self.district_id is not None:
            return self.Level.DISTRICT
        if self.city_id is not None:
            return self.Level.CITY
        return self.Level.PROVINCE

    @property
    def compares_districts(self):
        """May compare districts (a city-level reader) or cities and their districts (a province-level reader)."""
        return self.is_authenticated and self.sees_all_towns and self.level in {self.Level.CITY, self.Level.PROVINCE}

    @property
    def is_town_official(self):
        return self.role == self.Role.TOWN and self.town_id is not None

    @property
    def is_department_official(self):
        return self.role == self.Role.DEPARTMENT and self.unit_id is not None

    @property
    def sees_all_towns(self):
        """Reviewers, leaders and administrators read every town within their reach (`level`)."""
        return self.is_superuser or self.role in {self.Role.REVIEWER, self.Role.VIEWER, self.Role.ADMIN}

    @property
    def can_review(self):
        """May score and return items: the 视频办's reviewers and administrators."""
        return self.is_active and (self.is_superuser or self.role in {self.Role.REVIEWER, self.Role.ADMIN})

    @property
    def can_manage_rounds(self):
        """May create, open, close, publish, archive and void rounds: the same people who review."""
        return self.can_review

    @property
    def can_manage_accounts(self):
        """May create and update accounts in bulk (导入账号): superusers and administrators."""
        return self.is_active and (self.is_superuser or self.role == self.Role.ADMIN)

    @property
    def needs_second_factor(self):
        """Must log in with a second factor (TOTP) when REQUIRE_2FA is on: those who score or manage accounts."""
        return self.can_review or self.can_manage_accounts

    @property
    def fills_items(self):
        """Has a checklist of items to answer: town and department officials."""
        return self.is_town_official or self.is_department_official

    def can_fill(self, submission):
        """Whether this user answers this item: its town, or a department its 责任单位 names.

        Reads `criterion.unit_links` with their units, which callers prefetch.
        """
        units = [link.unit for link in submission.criterion.unit_links.all()]
        if self.is_town_official:
            return self.town_id == submission.town_id and any(u.level == ResponsibleUnit.Level.TOWN for u in units)
        if self.is_department_official:
            return any(u.id == self.unit_id for u in units)
        return False

    @property
    def display_name(self):
        name = self.get_full_name() or self.username
        return name if self.is_active else _("%(name)s（已停用）") % {"name": name}


class Round(models.Model):
    """One annual assessment (年度考评) of every town against one rubric version.

    `state` changes only in `assessment.round_services`, each change recorded as a `RoundTransition`.
    """

    class LatePolicy(models.TextChoices):
        FLAG = "flag", _("仅标记，不扣分")
        DEDUCT = "deduct", _("按比例扣分")

    class State(models.TextChoices):
        PREPARING = "preparing", _("筹备")
        OPEN = "open", _("填报中")
        REVIEWING = "reviewing", _("评审中")
        PUBLISHED = "published", _("已公布")
        ARCHIVED = "archived", _("已归档")
        VOIDED = "voided", _("作废")

        SEEN_BY_FILLERS = enum.nonmember(frozenset({"open", "reviewing", "published", "archived"}))
        RESULTS_PUBLIC = enum.nonmember(frozenset({"published", "archived"}))
        SCORING = enum.nonmember(frozenset({"open", "reviewing"}))  # reviewers may score and return

    rubric = models.ForeignKey(Rubric, models.PROTECT, related_name="rounds", verbose_name=_("评估标准"))
    district = models.ForeignKey(District, models.PROTECT, related_name="rounds", verbose_name=_("区"))
    name = models.CharField(_("名称"), max_length=100)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.PREPARING, editable=False)
    opens_on = models.DateField(_("开始填报日期"))
    closes_on = models.DateField(_("截止填报日期"))
    pass_mark = models.DecimalField(_("达标线"), null=True, blank=True, help_text=_("评估标准未规定达标线，由本轮考评设定"), **POINTS)
    late_policy = models.CharField(_("逾期处理"), max_length=10, choices=LatePolicy.choices, default=LatePolicy.FLAG)
    late_deduction = models.DecimalField(
        _("逾期扣分比例"), max_digits=4, decimal_places=2, default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))], help_text=_("如 0.20 表示扣去该项得分的 20%"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"])
    class Meta:
        verbose_name = _("年度考评")
        verbose_name_plural = _("年度考评")
        ordering = ["-opens_on", "-id"]

    def __str__(self):
        return self.name

    @property
    def results_published(self) -> bool:
        return self.state in self.State.RESULTS_PUBLIC

    @property
    def year(self):
        return self.opens_on.year

    def is_open(self, today):
        return self.state == self.State.OPEN and self.opens_on <= today <= self.closes_on

    @property
    def staging_date(self):
        """The date staged targets (2.6, 2.7②) are read at: the round's own close, never today's date."""
        return self.closes_on


class RoundTransition(models.Model):
    """One change of a round's state, with who, when and why; shown on the round's page."""

    round = models.ForeignKey(Round, models.CASCADE, related_name="transitions", verbose_name=_("年度考评"))
    from_state = models.CharField(_("原状态"), max_length=10, choices=Round.State.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=10, choices=Round.State.choices)
    actor = models.ForeignKey(User, models.SET_NULL, null=True, related_name="+", verbose_name=_("操作人"))
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    reason = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("考评状态变更")
        verbose_name_plural = _("考评状态变更")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.get_from_state_display()} → {self.get_to_state_display()}"


class RoundDeadline(models.Model):
    """A 完成时间 adjusted for one round; without one the standard's applies."""

    round = models.ForeignKey(Round, models.CASCADE, related_name="deadlines", verbose_name=_("年度考评"))
    criterion = models.ForeignKey(Criterion, models.CASCADE, related_name="round_deadlines", verbose_name=_("考察点"))
    deadline = models.DateField(_("调整后的完成时间"), help_text=_("完成月份的第一天"))

    class Meta:
        verbose_name = _("完成时间调整")
        verbose_name_plural = _("完成时间调整")
        constraints = [models.UniqueConstraint(fields=["round", "criterion"], name="unique_round_deadline")]

    def __str__(self):
        return f"{self.criterion.code} → {self.deadline:%Y-%m}"


class Submission(models.Model):
    """A town's answer to one criterion in one round (填报).

    `status` changes only in `assessment.services`; `version` grows with every
    save so a stale form is detected instead of overwriting newer work.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已提交")
        RETURNED = "returned", _("已退回")
        SCORED = "scored", _("已评分")

        # Named sets, so no module spells them out again.
        EDITABLE = enum.nonmember(frozenset({"draft", "returned"}))  # the filler may change it
        WITH_REVIEWER = enum.nonmember(frozenset({"submitted", "scored"}))  # handed in and not sent back: may be scored
        HANDED_IN = enum.nonmember(frozenset({"submitted", "returned", "scored"}))  # its completion date counts

    round = models.ForeignKey(Round, models.CASCADE, related_name="submissions", verbose_name=_("年度考评"))
    town = models.ForeignKey(Town, models.PROTECT, related_name="submissions", verbose_name=_("街镇"))
    criterion = models.ForeignKey(Criterion, models.PROTECT, related_name="submissions", verbose_name=_("考察点"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    narrative = models.TextField(_("说明"), blank=True)
    completed_on = models.DateField(_("完成日期"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=0)
    started = models.BooleanField(_("已开始填报"), default=False)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(
        User, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("最后修改人")
    )
    return_reason = models.TextField(_("退回原因"), blank=True)
    figures_changed = models.BooleanField(
        _("数据已变更，待复核"), default=False, help_text=_("评分后其指标数据被修改；重新评分后清除"),
    )
    # The town's yes/no answers to the rule's conditions (answer code → true/false); unanswered codes are absent.
    answers = models.JSONField(_("是否条件作答"), default=dict, blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("填报")
        verbose_name_plural = _("填报")
        ordering = ["round", "town", "criterion__indicator__section__order", "criterion__indicator__order", "criterion__order"]
        constraints = [
            models.UniqueConstraint(fields=["round", "town", "criterion"], name="unique_submission"),
        ]
        indexes = [models.Index(fields=["round", "status"])]

    def __str__(self):
        return f"{self.town} · {self.criterion.code}"

    @property
    def is_editable_status(self):
        return self.status in self.Status.EDITABLE


class Figure(models.Model):
    """One figure of a town in a round (指标数据); every criterion needing it reads this row."""

    round = models.ForeignKey(Round, models.CASCADE, related_name="figures", verbose_name=_("年度考评"))
    town = models.ForeignKey(Town, models.PROTECT, related_name="figures", verbose_name=_("街镇"))
    metric = models.ForeignKey(Metric, models.PROTECT, related_name="figures", verbose_name=_("指标数据项"))
    value = models.DecimalField(_("数值"), max_digits=14, decimal_places=2)
    version = models.PositiveIntegerField(_("版本"), default=0, help_text=_("每次修改加一；基于旧版本的保存会被拒绝"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(User, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("填报人"))
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("指标数据")
        verbose_name_plural = _("指标数据")
        constraints = [models.UniqueConstraint(fields=["round", "town", "metric"], name="unique_figure")]

    def __str__(self):
        return f"{self.metric.label}：{self.value}"


def evidence_path(instance, filename):
    """A random stored name: the original name is kept only in the database."""
    suffix = Path(filename).suffix.lower()[:10]
    return f"evidence/{instance.submission.round_id}/{uuid.uuid4().hex}{suffix}"


def shared_evidence_path(instance, filename):
    """A random stored name for a file shared by several towns' items."""
    suffix = Path(filename).suffix.lower()[:10]
    return f"evidence/shared/{uuid.uuid4().hex}{suffix}"


class EvidenceFile(models.Model):
    """One uploaded file linked to several submissions (a department's statistics for every town), stored once.

    Each link is an `Evidence` row whose `file` names this file's stored name; the file goes only with its last link.
    """

    file = models.FileField(_("文件"), upload_to=shared_evidence_path, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=255)
    kind = models.CharField(_("类型"), max_length=10)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(User, models.SET_NULL, null=True, related_name="+", verbose_name=_("上传人"))
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("共享佐证文件")
        verbose_name_plural = _("共享佐证文件")

    def __str__(self):
        return self.original_name


class Evidence(models.Model):
    submission = models.ForeignKey(Submission, models.CASCADE, related_name="evidence", verbose_name=_("填报"))
    file = models.FileField(_("文件"), upload_to=evidence_path, max_length=200)
    shared_file = models.ForeignKey(
        EvidenceFile, models.PROTECT, null=True, blank=True, related_name="links", verbose_name=_("共享文件"),
        help_text=_("多个街镇共用的同一份文件；删除本条只删关联，最后一条关联删除时才删文件"),
    )
    original_name = models.CharField(_("原文件名"), max_length=255)
    description = models.CharField(_("说明"), max_length=200)
    kind = models.CharField(_("类型"), max_length=10)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(User, models.SET_NULL, null=True, related_name="+", verbose_name=_("上传人"))
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name


class Transition(models.Model):
    """One step of a submission's workflow, with who and why: the round trips a town sees."""

    submission = models.ForeignKey(Submission, models.CASCADE, related_name="transitions", verbose_name=_("填报"))
    # The submission's round, kept on the row so a round's steps are read without joining every round's items.
    round = models.ForeignKey(Round, models.CASCADE, related_name="+", verbose_name=_("年度考评"))
    from_status = models.CharField(_("原状态"), max_length=10, choices=Submission.Status.choices)
    to_status = models.CharField(_("新状态"), max_length=10, choices=Submission.Status.choices)
    actor = models.ForeignKey(User, models.SET_NULL, null=True, related_name="+", verbose_name=_("操作人"))
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    comment = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("流转记录")
        verbose_name_plural = _("流转记录")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["round", "to_status", "at"])]

    def __str__(self):
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class Review(models.Model):
    """The reviewer's score of one submission (评分); its history keeps every change.

    `proposed_points` is what the engine proposed from the figures when the
    score was given; a score that differs from it carries `override_reason`.
    """

    submission = models.OneToOneField(Submission, models.CASCADE, related_name="review", verbose_name=_("填报"))
    # The submission's round, kept on the row (and in its history) so a round's scores are read without a join.
    round = models.ForeignKey(Round, models.CASCADE, related_name="+", verbose_name=_("年度考评"))
    points = models.DecimalField(_("得分"), **POINTS)
    comment = models.TextField(_("评语"), blank=True)
    proposed_points = models.DecimalField(_("系统建议分"), null=True, blank=True, **POINTS)
    override_reason = models.TextField(_("调整建议分的理由"), blank=True)
    reviewer = models.ForeignKey(User, models.PROTECT, related_name="reviews", verbose_name=_("评审员"))
    reviewed_at = models.DateTimeField(_("评分时间"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("评分")
        verbose_name_plural = _("评分")

    def __str__(self):
        return f"{self.submission}：{self.points}"


class ExportJob(models.Model):
    """A workbook built in the background, with progress a page can poll.

    Files are private: they are served only through the job's download view,
    which applies the same scope as the data they contain. Lifecycle rules are
    in `assessment.exports` (reuse, expiry) and `assessment.export_purge`.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    round = models.ForeignKey(Round, models.CASCADE, related_name="exports", verbose_name=_("年度考评"))
    town = models.ForeignKey(Town, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("街镇"))
    requested_by = models.ForeignKey(User, models.CASCADE, related_name="exports", verbose_name=_("申请人"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    done = models.PositiveIntegerField(_("已完成"), default=0)
    total = models.PositiveIntegerField(_("总数"), default=0)
    file = models.FileField(_("文件"), upload_to="exports/", blank=True)
    filename = models.CharField(_("文件名"), max_length=255, blank=True)
    error = models.TextField(_("错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        _("最近进展时间"), null=True, blank=True, help_text=_("排队、开始和每完成一个街镇时更新；长时间不变视为中断")
    )
    fingerprint = models.CharField(
        _("数据指纹"), max_length=64, blank=True, help_text=_("生成时考评数据的摘要；数据未变时再次导出直接使用本文件")
    )

    class Meta:
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")
        ordering = ["-created_at"]

    def __str__(self):
        return self.filename or f"#{self.pk}"

    @property
    def percent(self):
        return round(100 * self.done / self.total) if self.total else 0


class Part(models.Model):
    """One 责任单位's part of a co-owned item (填报部分): its own narrative, which only that unit changes.

    `version` grows with every save so a stale form is refused instead of overwriting newer work.
    """

    submission = models.ForeignKey(Submission, models.CASCADE, related_name="parts", verbose_name=_("填报"))
    unit = models.ForeignKey(ResponsibleUnit, models.PROTECT, related_name="parts", verbose_name=_("责任单位"))
    narrative = models.TextField(_("说明"), blank=True)
    note = models.TextField(_("备注"), blank=True)
    version = models.PositiveIntegerField(_("版本"), default=0)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(
        User, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("最后修改人")
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("填报部分")
        verbose_name_plural = _("填报部分")
        ordering = ["submission", "id"]
        constraints = [models.UniqueConstraint(fields=["submission", "unit"], name="unique_part_per_unit")]

    def __str__(self):
        return f"{self.submission} · {self.unit}"
