from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessment.evidence import allowed_label, check_upload, max_bytes
from assessment.models import Metric

METRIC_PREFIX = "metric_"


def rule_denominators(rule):
    """Metric codes a criterion's rule divides by: they may not be 0."""
    return {part["denominator"] for part in (rule or {}).get("parts", []) if part.get("denominator")}


class SubmissionForm(forms.Form):
    """A town's answer to one criterion, with the figures the criterion reads.

    `stored` holds the town's figures already saved this round (metric code →
    Decimal), so a part can be checked against a whole asked by another item.
    `last_year` (metric code → Decimal) is shown beside each figure input as 上年.
    """

    narrative = forms.CharField(label=gettext_lazy("说明"), required=False, max_length=5000, widget=forms.Textarea)
    completed_on = forms.DateField(
        label=gettext_lazy("完成日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
    evidence_file = forms.FileField(label=gettext_lazy("新增佐证材料"), required=False)
    evidence_description = forms.CharField(label=gettext_lazy("材料说明"), required=False, max_length=200)

    def __init__(self, *args, criterion, stored, last_year=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.criterion = criterion
        self.stored = stored
        self.metrics = list(criterion.metrics.all())
        for metric in self.metrics:
            field = self.fields[METRIC_PREFIX + metric.code] = forms.DecimalField(
                label=f"{metric.label}（{metric.unit}）", required=False, min_value=Decimal("0"),
                max_digits=14, decimal_places=2, widget=forms.NumberInput(attrs={"step": "any", "min": "0"}),
            )
            previous = (last_year or {}).get(metric.code)
            # Read by the template beside the input: "上年：1287 台".
            field.last_year = f"{plain_number(previous)} {metric.unit}" if previous is not None else None
        self.fields["evidence_file"].help_text = _("允许 %(kinds)s，单个文件不超过 %(mb)d MB。") % {
            "kinds": allowed_label(), "mb": max_bytes() // 1048576,
        }

    def metric_fields(self):
        return [self[METRIC_PREFIX + m.code] for m in self.metrics]

    def figures(self):
        return {m: self.cleaned_data.get(METRIC_PREFIX + m.code) for m in self.metrics}

    def clean_completed_on(self):
        value = self.cleaned_data["completed_on"]
        if value and value > timezone.localdate():
            raise ValidationError(_("完成日期不能晚于今天。"))
        return value

    def clean_evidence_file(self):
        upload = self.cleaned_data.get("evidence_file")
        if upload:
            check_upload(upload)
        return upload

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("evidence_file") and not cleaned.get("evidence_description", "").strip():
            self.add_error("evidence_description", _("请填写佐证材料的说明。"))
        if self.errors.get("evidence_file") is None and self.errors and self.files.get("evidence_file"):
            self.add_error("evidence_file", _("表单有错误，文件未上传，请改正后重新选择文件。"))
        self._check_figures(cleaned)
        return cleaned

    def _value(self, code, cleaned):
        field = METRIC_PREFIX + code
        if field in self.fields:
            return cleaned.get(field)
        return self.stored.get(code)

    def _check_figures(self, cleaned):
        denominators = rule_denominators(self.criterion.rule)
        for metric in self.metrics:
            field = METRIC_PREFIX + metric.code
            value = cleaned.get(field)
            if value is None:
                continue
            error = _figure_error(metric, value, denominators, self._value(metric.whole.code, cleaned) if metric.whole else None)
            if error:
                self.add_error(field, error)


def _figure_error(metric, value, denominators, whole_value):
    if metric.kind == Metric.Kind.COUNT and value != value.to_integral_value():
        return _("%(label)s应为整数。") % {"label": metric.label}
    if metric.kind == Metric.Kind.PERCENT and value > 100:
        return _("百分比不能超过 100。")
    if metric.code in denominators and value == 0:
        return _("%(label)s是计算比例的分母，不能为 0。") % {"label": metric.label}
    if whole_value is not None and value > whole_value:
        return _("%(label)s（%(value)s）不能大于%(whole)s（%(whole_value)s）。") % {
            "label": metric.label, "value": plain_number(value), "whole": metric.whole.label, "whole_value": plain_number(whole_value),
        }
    return None


def plain_number(value):
    """1287 for 1287.00, 12.5 for 12.50: figures as people write them."""
    return format(value.quantize(Decimal("1")), "f") if value == value.to_integral_value() else format(value.normalize(), "f")


class ReturnForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("退回原因"), max_length=2000, widget=forms.Textarea)


class ReviewForm(forms.Form):
    """Score or return one submission; which is decided by the button pressed."""

    points = forms.DecimalField(label=gettext_lazy("得分"), required=False, min_value=Decimal("0"), max_digits=4, decimal_places=1)
    comment = forms.CharField(label=gettext_lazy("评语"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    override_reason = forms.CharField(
        label=gettext_lazy("调整建议分的理由"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    return_reason = forms.CharField(
        label=gettext_lazy("退回原因"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
    action = forms.ChoiceField(choices=[("score", "score"), ("return", "return")], widget=forms.HiddenInput, required=False)

    def __init__(self, *args, maximum, **kwargs):
        super().__init__(*args, **kwargs)
        self.maximum = maximum
        self.fields["points"].validators.append(
            MaxValueValidator(maximum, message=_("得分不能超过该考察点的满分 %(max)s 分。") % {"max": maximum})
        )
        self.fields["points"].widget.attrs.update({"max": str(maximum), "step": "0.1", "min": "0"})
        self.fields["points"].help_text = _("0 到 %(max)s 分，最多一位小数。") % {"max": maximum}

    def clean(self):
        cleaned = super().clean()
        action = self.data.get("action")
        if action == "return" and not cleaned.get("return_reason", "").strip():
            self.add_error("return_reason", _("退回时必须填写退回原因。"))
        if action != "return" and cleaned.get("points") is None and "points" not in self.errors:
            self.add_error("points", _("请填写得分。"))
        return cleaned
