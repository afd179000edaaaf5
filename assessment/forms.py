import json
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessment.evidence import allowed_label, check_upload, max_bytes
from assessment.models import Metric
from scoring.engine import rule_from_dict

METRIC_PREFIX = "metric_"
ANSWER_PREFIX = "answer_"
ANSWER_CHOICES = [("", gettext_lazy("未作答")), ("yes", gettext_lazy("是")), ("no", gettext_lazy("否"))]


def rule_questions(criterion):
    """Answer code → question of the yes/no conditions in the criterion's rule; none when it has no (valid) rule."""
    try:
        rule = rule_from_dict(criterion.rule)
    except ValueError:  # a rule broken in the admin stops automatic scoring, not the town's page
        return {}
    return rule.answers if rule else {}


def answer_choice(value):
    """The stored answer (True / False / absent) as the form's choice."""
    return {True: "yes", False: "no"}.get(value, "")


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files chosen at once (`<input type=file multiple>`); cleans to a list, empty when none."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files if f]


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
    # The versions of the town's figures as this form read them (JSON: code → version); see assessment.figures.
    figure_versions = forms.CharField(widget=forms.HiddenInput, required=False)
    evidence_file = MultipleFileField(label=gettext_lazy("新增佐证材料"), required=False)
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
        self.questions = rule_questions(criterion)
        for code, question in self.questions.items():
            self.fields[ANSWER_PREFIX + code] = forms.ChoiceField(
                label=question, required=False, choices=ANSWER_CHOICES,
                help_text=_("请如实作答并附佐证材料；评审员核实后采信，未作答不视为“是”。"),
            )
        self.fields["evidence_file"].help_text = _("可一次选择多个文件，共用一条材料说明。允许 %(kinds)s，单个文件不超过 %(mb)d MB。") % {
            "kinds": allowed_label(), "mb": max_bytes() // 1048576,
        }

    def metric_fields(self):
        return [self[METRIC_PREFIX + m.code] for m in self.metrics]

    def figures(self):
        return {m: self.cleaned_data.get(METRIC_PREFIX + m.code) for m in self.metrics}

    def answer_fields(self):
        return [self[ANSWER_PREFIX + code] for code in self.questions]

    def answers(self):
        """Answer code → True / False; unanswered codes left out (never taken as 是)."""
        chosen = {code: self.cleaned_data.get(ANSWER_PREFIX + code) for code in self.questions}
        return {code: value == "yes" for code, value in chosen.items() if value in ("yes", "no")}

    def read_versions(self):
        """Code → version the form read; None when the form sent none (then no figure check is made)."""
        if "figure_versions" not in self.data:
            return None
        try:
            data = json.loads(self.cleaned_data.get("figure_versions") or "{}")
        except ValueError:
            return {}  # unreadable: treat every stored figure as changed since, and let the user re-check
        return {str(k): v for k, v in data.items() if isinstance(v, int)} if isinstance(data, dict) else {}

    def clean_completed_on(self):
        value = self.cleaned_data["completed_on"]
        if value and value > timezone.localdate():
            raise ValidationError(_("完成日期不能晚于今天。"))
        return value

    def clean_evidence_file(self):
        uploads = self.cleaned_data.get("evidence_file") or []
        problems = []
        for upload in uploads:
            try:
                check_upload(upload)
            except ValidationError as error:
                problems += error.messages
        if problems:
            raise ValidationError(problems)
        return uploads

    def clean(self):
        cleaned = super().clean()
        self._check_figures(cleaned)
        described = cleaned.get("evidence_description", "").strip()
        if self.chosen_files() and not described and "evidence_file" not in self.errors:
            self.add_error("evidence_description", _("请填写佐证材料的说明。"))
        if described and not self.chosen_files():
            # Kept in the form, not dropped: the file was probably forgotten.
            self.add_error("evidence_description", _("已填写材料说明但未选择文件，请选择文件后再保存，或清空材料说明。"))
        return cleaned

    def chosen_files(self):
        """The files sent with this form (several may be chosen at once), whatever their checks said."""
        field = self.fields["evidence_file"]
        return [f for f in field.widget.value_from_datadict(self.data, self.files, self.add_prefix("evidence_file")) or [] if f]

    def note_dropped_files(self):
        """When the form is shown again, a browser cannot keep the chosen files: say so in the error summary, once."""
        names = "、".join(upload.name for upload in self.chosen_files())
        message = _("所选文件未上传，请重新选择文件（%(names)s）。") % {"names": names}
        if names and message not in self.non_field_errors():
            self.add_error(None, message)

    def _value(self, code, cleaned):
        field = METRIC_PREFIX + code
        if field in self.fields:
            return cleaned.get(field)
        return self.stored.get(code)

    def _check_figures(self, cleaned):
        # 0 is a valid answer for every figure, denominators included: each rule says what a 0 means.
        for metric in self.metrics:
            field = METRIC_PREFIX + metric.code
            value = cleaned.get(field)
            if value is None:
                continue
            error = _figure_error(metric, value, self._value(metric.whole.code, cleaned) if metric.whole else None)
            if error:
                self.add_error(field, error)


def _figure_error(metric, value, whole_value):
    if metric.kind == Metric.Kind.COUNT and value != value.to_integral_value():
        return _("%(label)s应为整数。") % {"label": metric.label}
    if metric.kind == Metric.Kind.PERCENT and value > 100:
        return _("百分比不能超过 100。")
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

    def __init__(self, *args, maximum, conditions=(), proposed=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.maximum = maximum
        # The engine's conditions: a score away from the proposal says, per condition, why it is judged otherwise.
        self.conditions, self.proposed = tuple(conditions), proposed
        for condition in self.conditions:
            self.fields[f"reason_{condition.key}"] = forms.CharField(
                label=condition.label, required=False, max_length=500, widget=forms.TextInput(),
            )
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
        if action != "return" and self._departs() and not self.override_text():
            self.add_error("override_reason", _("得分与系统建议分 %(proposed)s 分不同，请在判定不同的条件旁写明理由。") % {
                "proposed": self.proposed})
        return cleaned

    def _departs(self):
        points = self.cleaned_data.get("points")
        return bool(self.conditions) and self.proposed is not None and points is not None and points != self.proposed

    def condition_rows(self):
        """(condition, its reason field) for the template."""
        return [(condition, self[f"reason_{condition.key}"]) for condition in self.conditions]

    def override_text(self):
        """The reasons given, one line per condition (“条件：理由”), then any general reason."""
        lines = []
        for condition in self.conditions:
            reason = (self.cleaned_data.get(f"reason_{condition.key}") or "").strip()
            if reason:
                lines.append(f"{condition.label}（系统判定：{condition.verdict.label}）：{reason}")
        general = (self.cleaned_data.get("override_reason") or "").strip()
        return "\n".join([*lines, general] if general else lines)
