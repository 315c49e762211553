from importlib import import_module

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy


class HqConfig(AppConfig):
    name = "hq"
    verbose_name = gettext_lazy("集团总部")

    def ready(self) -> None:
        # Providers register their figures in the catalogue when imported: every process needs them.

        for path in settings.HQ_METRIC_PROVIDERS:
            import_module(path)
