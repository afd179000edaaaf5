from django.contrib import admin

from notices.models import Announcement, Message, ReminderLog, ReminderSetting, Urge, UrgeRecipient


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["subject", "user", "kind", "created_at", "read_at"]
    list_filter = ["kind"]
    search_fields = ["subject", "user__username", "user__last_name"]
    raw_id_fields = ["user"]
    date_hierarchy = "created_at"


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    list_display = ["title", "round", "district", "pinned", "posted_by", "posted_at"]
    list_filter = ["pinned"]
    search_fields = ["title", "body"]
    raw_id_fields = ["posted_by"]


class UrgeRecipientInline(admin.TabularInline):
    model = UrgeRecipient
    extra = 0
    fields = ["town", "unit", "item_count", "user_count"]
    readonly_fields = fields
    can_delete = False


@admin.register(Urge)
class UrgeAdmin(admin.ModelAdmin):
    list_display = ["round", "sender", "created_at", "note"]
    readonly_fields = ["round", "sender", "note", "created_at"]
    exclude = ["items"]
    inlines = [UrgeRecipientInline]

    def has_add_permission(self, request):
        return False  # sent from the 催办 page, which lists what each recipient owes


@admin.register(ReminderSetting)
class ReminderSettingAdmin(admin.ModelAdmin):
    list_display = ["round", "days", "remind_overdue"]


@admin.register(ReminderLog)
class ReminderLogAdmin(admin.ModelAdmin):
    list_display = ["day", "round", "user", "item_count", "created_at"]
    list_filter = ["day"]
    raw_id_fields = ["user"]
