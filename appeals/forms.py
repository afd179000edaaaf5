from django import forms
from django.utils.translation import gettext_lazy as _

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ExtensionRequestForm(forms.Form):
    asked_until = forms.DateField(label=_("申请延期至"), widget=DATE_WIDGET)
    reason = forms.CharField(label=_("申请理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    file = forms.FileField(label=_("佐证材料（可选）"), required=False)


class ExtensionDecisionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(label=_("审批"), choices=[("grant", _("批准")), ("refuse", _("不批准"))],
                                 widget=forms.RadioSelect)
    granted_until = forms.DateField(label=_("批准延期至"), required=False, widget=DATE_WIDGET)
    note = forms.CharField(label=_("审批意见（不批准时必填）"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class AppealRequestForm(forms.Form):
    reason = forms.CharField(label=_("申请理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))


class AppealDecisionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    submission_version = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(label=_("复核结果"), choices=[("keep", _("维持原评分")), ("change", _("调整评分"))],
                                 widget=forms.RadioSelect)
    points = forms.DecimalField(label=_("复核后得分"), required=False, max_digits=5, decimal_places=1, min_value=0)
    reply = forms.CharField(label=_("答复或调整理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


def first_error(form):
    """The first of a bound form's errors, as one line for a message."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        return f"{label}：{errors[0]}" if label else errors[0]
    return ""
