from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = gettext_lazy("集团与门店")

    def ready(self) -> None:
        from . import celery_guard  # noqa: F401  (connects the schema guard to Celery task hooks)
