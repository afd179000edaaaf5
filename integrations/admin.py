"""Administrators create a client for a system here; its key is shown once, then only its prefix is known."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.models import APIKey

from assessment.models import District, ResponsibleUnit, Town, User
from integrations.clients import create_client
from integrations.models import ApiCall, ApiClient

# The library's own key model is unused: every key here belongs to a client and its service account.
admin.site.unregister(APIKey)


class ApiClientAddForm(forms.ModelForm):
    role = forms.ChoiceField(label=_("角色"), choices=[(r.value, r.label) for r in ApiClient.ROLES])
    district = forms.ModelChoiceField(District.objects.all(), label=_("所属区"), required=False)
    town = forms.ModelChoiceField(Town.objects.all(), label=_("街镇"), required=False)
    unit = forms.ModelChoiceField(ResponsibleUnit.objects.all(), label=_("责任单位"), required=False)

    class Meta:
        model = ApiClient
        fields = ["name", "role", "district", "town", "unit", "rate", "expiry_date", "note"]


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "role", "scope_label", "rate", "created", "expiry_date", "revoked"]
    list_filter = ["revoked"]
    search_fields = ["name", "prefix"]
    readonly_fields = ["prefix", "user", "created"]
    fields = ["name", "prefix", "user", "rate", "expiry_date", "revoked", "note", "created"]

    @admin.display(description=_("角色"))
    def role(self, client):
        return client.user.get_role_display()

    @admin.display(description=_("范围"))
    def scope_label(self, client):
        return client.scope_label

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = ApiClientAddForm
            kwargs["fields"] = ApiClientAddForm.Meta.fields
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        return ApiClientAddForm.Meta.fields if obj is None else self.fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        data = form.cleaned_data
        district = data["district"] if data["role"] != User.Role.TOWN else None
        client, key = create_client(data["name"], role=data["role"], district=district, town=data["town"],
                                    unit=data["unit"], rate=data["rate"], expiry_date=data["expiry_date"],
                                    note=data["note"])
        obj.__dict__.update(client.__dict__)
        messages.warning(request, _("“%(name)s”的密钥（只显示这一次，请立即交给对接系统）：%(key)s") % {
            "name": client.name, "key": key})


@admin.register(ApiCall)
class ApiCallAdmin(admin.ModelAdmin):
    list_display = ["at", "client", "method", "endpoint", "status"]
    list_filter = ["client", "status"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
