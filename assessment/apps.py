from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = _("达标评估")

    def ready(self):
        # django_tasks_db names its admin section with a plain English string ("Tasks Database Backend") that no
        # translation catalog can reach; an app's verbose name is not migration state, so naming it here is safe.
        # Its model and field names are translated by locale/zh_Hans (see assessment/admin.py, TaskResultAdmin).
        if apps.is_installed("django_tasks_db"):
            apps.get_app_config("django_tasks_database").verbose_name = _("后台任务")
