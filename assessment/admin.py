from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import XLSX
from import_export.forms import SelectableFieldsExportForm
from simple_history.admin import SimpleHistoryAdmin

from assessment import accounts
from assessment.models import (
    City,
    Criterion,
    CriterionUnit,
    District,
    Evidence,
    Figure,
    Indicator,
    Metric,
    ResponsibleUnit,
    Review,
    Round,
    RoundDeadline,
    Rubric,
    Section,
    Submission,
    Town,
    Transition,
    User,
)
from assessment.resources import SHEET_TITLE, CriterionResource
from assessment.services import ensure_checklist
from assessment.standard_forms import StandardChildrenFormSet, StandardNodeForm, StandardParentForm
from assessment.xlsx_guard import GuardedXLSX, XlsxRefused
from scoring import stored

admin.site.site_header = _("六合区技防达标评估门户 · 管理")
admin.site.site_title = _("技防达标评估门户")
admin.site.index_title = _("系统管理")


class SectionInline(admin.TabularInline):
    formset = StandardChildrenFormSet
    model = Section
    extra = 0
    fields = ("code", "title", "points", "order")
    show_change_link = True


class IndicatorInline(admin.TabularInline):
    formset = StandardChildrenFormSet
    model = Indicator
    extra = 0
    fields = ("code", "title", "points", "order")
    show_change_link = True


class CriterionInline(admin.TabularInline):
    formset = StandardChildrenFormSet
    model = Criterion
    extra = 0
    fields = ("code", "title", "points", "deadline", "deadline_is_span", "order")
    show_change_link = True


class CriterionUnitInline(admin.TabularInline):
    model = CriterionUnit
    extra = 0
    fields = ("unit", "order")


@admin.register(Rubric)
class RubricAdmin(admin.ModelAdmin):
    form = StandardParentForm
    list_display = ("title", "version", "total_points")
    inlines = [SectionInline]


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    form = StandardParentForm
    list_display = ("code", "title", "points", "rubric")
    list_filter = ("rubric",)
    ordering = ("rubric", "order")
    inlines = [IndicatorInline]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    form = StandardParentForm
    list_display = ("code", "title", "points", "section")
    list_filter = ("section__rubric", "section")
    list_select_related = ("section",)
    ordering = ("section__rubric", "section__order", "order")
    inlines = [CriterionInline]


class ChineseExportForm(SelectableFieldsExportForm):
    """The export page's column checkboxes carry the sheet's Chinese headers, not "Deadline Is Span"."""

    def _get_field_label(self, resource, field_name):
        field = resource().fields.get(field_name)
        return str(field.column_name) if field else field_name


@admin.register(Criterion)
class CriterionAdmin(ImportExportModelAdmin):
    form = StandardNodeForm
    resource_classes = [CriterionResource]
    export_form_class = ChineseExportForm
    list_display = ("code", "title", "points", "deadline_display", "deadline_is_span", "indicator")
    list_filter = ("indicator__section__rubric", "indicator__section", "deadline_is_span")
    list_select_related = ("indicator",)
    search_fields = ("code", "title", "content")
    ordering = ("indicator__section__rubric", "indicator__section__order", "indicator__order", "order")
    filter_horizontal = ("metrics",)
    inlines = [CriterionUnitInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        stored.refresh_rubric(form.instance.indicator.section.rubric_id)  # points or deadline may have changed

    @admin.display(description=_("完成时间"), ordering="deadline")
    def deadline_display(self, obj):
        return obj.deadline.strftime("%Y年%m月")

    def get_export_filename(self, request, queryset, file_format):
        return f"{SHEET_TITLE}-{timezone.localdate():%Y-%m-%d}.{file_format.get_extension()}"

    def get_import_formats(self):
        return [GuardedXLSX if format_ is XLSX else format_ for format_ in super().get_import_formats()]

    def add_data_read_fail_error_to_form(self, form, e):
        """A refused xlsx (zip bomb, too many rows) says why in Chinese instead of naming an exception."""
        if isinstance(e, XlsxRefused):
            form.add_error("import_file", e.message)
        else:
            super().add_data_read_fail_error_to_form(form, e)

    def _do_file_export(self, file_format, request, queryset, export_form=None):
        """import-export writes `filename="…"` raw, which Django MIME-encodes for a Chinese name and browsers then
        show as "=?utf-8?b?…"; the RFC 5987 form every browser reads replaces it."""
        response = super()._do_file_export(file_format, request, queryset, export_form=export_form)
        filename = self.get_export_filename(request, queryset, file_format)
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
        return response


@admin.register(Metric)
class MetricAdmin(admin.ModelAdmin):
    list_display = ("code", "label", "unit", "kind", "whole", "rubric")
    list_filter = ("rubric", "kind")
    list_select_related = ("whole", "rubric")


@admin.register(ResponsibleUnit)
class ResponsibleUnitAdmin(admin.ModelAdmin):
    list_display = ("name", "level")
    list_filter = ("level",)


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    list_display = ("name", "code")


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ("name", "city")
    list_filter = ("city",)
    list_select_related = ("city",)


@admin.register(Town)
class TownAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "district", "order")
    list_filter = ("district", "kind")
    list_select_related = ("district",)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "last_name", "first_name", "role", "city", "district", "town", "unit", "is_active")
    list_filter = ("role", "city", "district", "town", "unit", "is_active")
    list_select_related = ("city", "district", "town", "unit")
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("门户角色"), {"fields": ("role", "city", "district", "town", "unit", "phone")}),
        (_("登录安全"), {"fields": ("must_change_password",)}),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + ((_("门户角色"), {"fields": ("role", "city", "district", "town", "unit")}),)
    actions = ["delete_selected"]

    # A password an administrator chose is known to two people: its owner replaces it at the next login.

    def save_model(self, request, obj, form, change):
        if not change:
            obj.must_change_password = True
        super().save_model(request, obj, form, change)

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            from access.services import mark_password_reset

            mark_password_reset(request, self.get_object(request, unquote(id)))
        return response

    # Users are never deleted once they have acted in a round: `accounts.deactivate_user` stops them instead,
    # from the delete page and from the bulk action alike. Accounts that never acted are deleted as usual.

    def _deactivated(self, request, user):
        """Deactivate `user` if it has acted, log and say so; False when it may be deleted."""
        if not accounts.deactivate_user(user, by=request.user):
            return False
        self.log_change(request, user, gettext("已停用（留有操作记录，不能删除）"))
        self.message_user(request, gettext("账号“%(name)s”已在考评中留有操作记录，为保留操作留痕不能删除，已停用。")
                          % {"name": user.username}, messages.WARNING)
        return True

    def get_deleted_objects(self, objs, request):
        """What the confirmation pages list: accounts that acted are named as kept (and never block as PROTECTed)."""
        acted = [user for user in objs if accounts.has_acted(user)]
        deletable = [user for user in objs if user not in acted]
        deleted_objects, model_count, perms_needed, protected = super().get_deleted_objects(deletable, request)
        kept = [gettext("账号“%(name)s”已在考评中留有操作记录，将停用而不删除。") % {"name": user.username} for user in acted]
        return kept + list(deleted_objects), model_count, perms_needed, protected

    def delete_view(self, request, object_id, extra_context=None):
        user = self.get_object(request, unquote(object_id))
        if user is not None and self.has_delete_permission(request, user):
            if request.method == "POST" and self._deactivated(request, user):
                opts = self.opts
                return HttpResponseRedirect(
                    reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist", current_app=self.admin_site.name)
                )
            if request.method != "POST" and accounts.has_acted(user):
                self.message_user(request, gettext("账号“%(name)s”已在考评中留有操作记录，为保留操作留痕不能删除；确认后将停用该账号。")
                                  % {"name": user.username}, messages.WARNING)
        return super().delete_view(request, object_id, extra_context)

    @admin.action(permissions=["delete"], description=_("Delete selected %(verbose_name_plural)s"))
    def delete_selected(self, request, queryset):
        """Django's bulk delete, except that accounts which acted are deactivated once it is confirmed."""
        if request.POST.get("post"):
            kept = [user.pk for user in queryset if self._deactivated(request, user)]
            queryset = queryset.exclude(pk__in=kept)
        return django_delete_selected(self, request, queryset)


class RoundDeadlineInline(admin.TabularInline):
    model = RoundDeadline
    extra = 0
    autocomplete_fields = ("criterion",)


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ("name", "rubric", "state", "opens_on", "closes_on", "pass_mark", "late_policy")
    list_filter = ("district", "state")
    inlines = [RoundDeadlineInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Opening a round gives every town its full checklist; towns added later get theirs on the next save.
        ensure_checklist(obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        stored.refresh(form.instance)  # 达标线, late policy and deadlines are saved by now


class ReadOnlyAdmin(SimpleHistoryAdmin):
    """Audit views: changes happen only through the portal's services, never here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = ("town", "criterion", "round", "status", "updated_at")
    list_filter = ("round", "status", "town")
    list_select_related = ("town", "criterion", "round")
    search_fields = ("criterion__code", "criterion__title", "town__name")


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ("submission", "points", "proposed_points", "reviewer", "reviewed_at")
    list_filter = ("submission__round", "reviewer")
    list_select_related = ("submission__town", "submission__criterion", "reviewer")


@admin.register(Figure)
class FigureAdmin(ReadOnlyAdmin):
    list_display = ("town", "metric", "value", "round", "updated_by", "updated_at")
    list_filter = ("round", "town")
    list_select_related = ("town", "metric", "round", "updated_by")


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ("original_name", "submission", "kind", "size", "uploaded_by", "uploaded_at")
    list_filter = ("submission__round", "kind")
    list_select_related = ("submission__town", "submission__criterion", "uploaded_by")
    exclude = ("file",)  # evidence is downloaded only through the portal's permission-checked view


@admin.register(Transition)
class TransitionAdmin(ReadOnlyAdmin):
    list_display = ("submission", "from_status", "to_status", "actor", "at", "comment")
    list_filter = ("submission__round", "to_status")
    list_select_related = ("submission__town", "submission__criterion", "actor")


# The background-task library's admin, in Chinese. Its model and field names are translated by this project's
# catalog (locale/zh_Hans/LC_MESSAGES/django.po); what it writes as plain strings (four column titles) is
# given here, and `AssessmentConfig.ready` names its section. No model option changes, so no migration.
admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(DBTaskResultAdmin):
    list_display = ("task_id", *DBTaskResultAdmin.list_display[1:])

    def get_readonly_fields(self, request, obj=None):
        return ["task_id" if name == "id" else name for name in super().get_readonly_fields(request, obj)]

    @admin.display(description=_("编号"), ordering="id")
    def task_id(self, obj):
        return obj.id

    @admin.display(description=_("任务"))
    def task_name(self, obj):
        return obj.task_name

    @admin.display(description=_("错误堆栈"))
    def formatted_traceback(self, obj):
        return super().formatted_traceback(obj)

    @admin.display(description=_("计划执行时间"))
    def display_run_after(self, obj):
        return super().display_run_after(obj)
