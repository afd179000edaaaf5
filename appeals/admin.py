from django.contrib import admin

from appeals.models import Appeal, Extension, RoundAppealSettings


@admin.register(RoundAppealSettings)
class RoundAppealSettingsAdmin(admin.ModelAdmin):
    list_display = ("round", "appeal_days")


class WrittenInThePortal(admin.ModelAdmin):
    """Read-only: requests and decisions are written through the portal's pages."""

    list_filter = ("status",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Extension)
class ExtensionAdmin(WrittenInThePortal):
    list_display = ("submission", "asked_until", "status", "granted_until", "requested_by", "decided_by")
    list_select_related = ("submission__town", "submission__criterion", "requested_by", "decided_by")


@admin.register(Appeal)
class AppealAdmin(WrittenInThePortal):
    list_display = ("submission", "status", "points_before", "points_after", "requested_by", "decided_by")
    list_select_related = ("submission__town", "submission__criterion", "requested_by", "decided_by")
