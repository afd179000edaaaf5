from django.contrib import admin

from appeals.models import Appeal, Extension, RoundAppealSettings


@admin.register(RoundAppealSettings)
class RoundAppealSettingsAdmin(admin.ModelAdmin):
    list_display = ("round", "appeal_days")


@admin.register(Extension)
class ExtensionAdmin(admin.ModelAdmin):
    """Read-only: requests and decisions are written through the portal's pages."""

    list_display = ("submission", "asked_until", "status", "granted_until", "requested_by", "decided_by")
    list_filter = ("status",)
    list_select_related = ("submission__town", "submission__criterion", "requested_by", "decided_by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Appeal)
class AppealAdmin(admin.ModelAdmin):
    """Read-only: requests and decisions are written through the portal's pages."""

    list_display = ("submission", "status", "points_before", "points_after", "requested_by", "decided_by")
    list_filter = ("status",)
    list_select_related = ("submission__town", "submission__criterion", "requested_by", "decided_by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
