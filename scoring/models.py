"""Results kept in the database, so pages read a round's standing instead of recomputing it.

The engine stays the only author of every number here: `scoring.stored.refresh` writes these rows from
`engine.compute_results` in the same transaction as each write that can change them, and
`manage.py rebuild_results --check` compares them with a fresh computation.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from assessment.models import Round, Section, Town

POINTS = {"max_digits": 6, "decimal_places": 1}


class TownResult(models.Model):
    """One town's standing in one round.

    Invariants: `total` is the sum of its `SectionResult` points (after the late policy); `rank` is the
    competition rank (1, 1, 3) of `total` among the round's rows; `passed` is None without a 达标线.
    `overdue` counts open items past their deadline as of `computed_for`; the points never depend on that date.
    """

    round = models.ForeignKey(Round, models.CASCADE, related_name="town_results", verbose_name=_("年度考评"))
    town = models.ForeignKey(Town, models.CASCADE, related_name="results", verbose_name=_("街镇"))
    total = models.DecimalField(_("总分"), **POINTS)
    awarded = models.DecimalField(_("评分合计（逾期处理前）"), **POINTS)
    rank = models.PositiveIntegerField(_("排名"))
    passed = models.BooleanField(_("达标"), null=True)
    scored = models.PositiveIntegerField(_("已评分项"))
    item_count = models.PositiveIntegerField(_("考察点数"))
    late = models.PositiveIntegerField(_("逾期完成项"))
    overdue = models.PositiveIntegerField(_("已逾期项"))
    computed_for = models.DateField(_("计算日期"))
    computed_at = models.DateTimeField(_("计算时间"), auto_now=True)

    class Meta:
        verbose_name = _("街镇评估结果")
        verbose_name_plural = _("街镇评估结果")
        constraints = [models.UniqueConstraint(fields=["round", "town"], name="unique_town_result")]
        indexes = [models.Index(fields=["round", "rank"]), models.Index(fields=["round", "total"])]

    def __str__(self):
        return f"{self.town_id} · {self.total}"

    @property
    def final(self):
        """Every item is scored: until then the total is provisional (暂定)."""
        return self.scored == self.item_count


class SectionResult(models.Model):
    """A town's points in one 一类指标 of a round (after the late policy)."""

    result = models.ForeignKey(TownResult, models.CASCADE, related_name="sections", verbose_name=_("街镇评估结果"))
    section = models.ForeignKey(Section, models.CASCADE, related_name="+", verbose_name=_("一类指标"))
    points = models.DecimalField(_("得分"), **POINTS)

    class Meta:
        verbose_name = _("一类指标得分")
        verbose_name_plural = _("一类指标得分")
        constraints = [models.UniqueConstraint(fields=["result", "section"], name="unique_section_result")]

    def __str__(self):
        return f"{self.section_id}：{self.points}"
