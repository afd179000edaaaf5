from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "integrations"
    verbose_name = "系统对接"

    def ready(self):
        from integrations import events  # noqa: F401  (connects the receivers that write the event feed)
