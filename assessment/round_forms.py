"""Forms of a round's life: a new year's round copied from an earlier one, and a change of state."""

import datetime
import re

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessment.models import Round

DEADLINE_PREFIX = "deadline_"
MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text):
    """'2027-09' → date(2027, 9, 1); None if malformed."""
    match = MONTH_RE.match(text or "")
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 2000:
        return None
    return datetime.date(int(match.group(1)), int(match.group(2)), 1)


class NewRoundForm(forms.Form):
    """A round copied from `source`, with one month field per criterion of the source's rubric."""

    source = forms.ModelChoiceField(queryset=Round.objects.none(), label=gettext_lazy("复制自"))
    name = forms.CharField(label=gettext_lazy("名称"), max_length=100)
    opens_on = forms.DateField(label=gettext_lazy("开始填报日期"), widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(label=gettext_lazy("截止填报日期"), widget=forms.DateInput(attrs={"type": "date"}))
    pass_mark = forms.DecimalField(label=gettext_lazy("达标线"), required=False, max_digits=5, decimal_places=1,
                                   min_value=0, max_value=100, help_text=gettext_lazy("留空则沿用所复制考评的达标线"))
    open_now = forms.BooleanField(label=gettext_lazy("保存后立即开始填报（否则为“筹备”状态）"), required=False)
    confirm_past = forms.BooleanField(label=gettext_lazy("我已确认：部分完成时间早于开始填报日期"), required=False)

    def __init__(self, *args, sources, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = sources
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"{DEADLINE_PREFIX}{criterion.pk}"] = forms.CharField(
                label=f"{criterion.code} {criterion.title}", max_length=7,
                widget=forms.TextInput(attrs={"type": "month"}),
            )

    def clean(self):
        data = super().clean()
        opens_on, closes_on = data.get("opens_on"), data.get("closes_on")
        if opens_on and closes_on and closes_on < opens_on:
            self.add_error("closes_on", _("截止填报日期不能早于开始填报日期。"))
        deadlines = {}
        for criterion in self.criteria:
            key = f"{DEADLINE_PREFIX}{criterion.pk}"
            month = parse_month(data.get(key))
            if month is None and key in data:
                self.add_error(key, _("%(code)s 的完成时间应为“年-月”，如 2027-09。") % {"code": criterion.code})
            deadlines[criterion.pk] = month
        data["deadlines"] = deadlines
        return data

    def deadline_rows(self):
        """(criterion, bound field) pairs for the grid."""
        return [(criterion, self[f"{DEADLINE_PREFIX}{criterion.pk}"]) for criterion in self.criteria]


class StateChangeForm(forms.Form):
    to_state = forms.ChoiceField(choices=Round.State.choices)
    expected_state = forms.ChoiceField(choices=Round.State.choices)
    reason = forms.CharField(required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
