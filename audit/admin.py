from django.contrib import admin

from audit.models import Record


@admin.register(Record)
class RecordAdmin(admin.ModelAdmin):
    """Read only for everyone, superusers included: the trail is evidence, not data to correct."""

    list_display = ("at", "kind", "username", "ip", "detail")
    list_filter = ("kind",)
    search_fields = ("username", "ip")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
