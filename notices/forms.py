from django import forms
from django.utils.translation import gettext_lazy as _

from assessment.models import Round
from assessment.scoping import managed_rounds


class UrgeForm(forms.Form):
    towns = forms.TypedMultipleChoiceField(label=_("街镇"), coerce=int, required=False,
                                           widget=forms.CheckboxSelectMultiple)
    units = forms.TypedMultipleChoiceField(label=_("部门"), coerce=int, required=False,
                                           widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label=_("附言（可选）"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, towns=(), departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["towns"].choices = [(t.pk, t.name) for t in towns]
        self.fields["units"].choices = [(t.pk, t.name) for t in departments]

    def clean(self):
        data = super().clean()
        if not data.get("towns") and not data.get("units"):
            raise forms.ValidationError(_("请至少选择一个街镇或部门。"))
        return data


class AnnouncementForm(forms.Form):
    round = forms.ModelChoiceField(label=_("年度考评"), queryset=Round.objects.none(), required=False,
                                   empty_label=_("不限（发给所有人）"))
    title = forms.CharField(label=_("标题"), max_length=200)
    body = forms.CharField(label=_("正文"), widget=forms.Textarea(attrs={"rows": 8}))
    attachment = forms.FileField(label=_("附件（可选）"), required=False)
    pinned = forms.BooleanField(label=_("置顶"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = managed_rounds(user).exclude(state=Round.State.VOIDED).order_by("-opens_on", "-id")
