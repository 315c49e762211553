from django.apps import AppConfig
from django.contrib.postgres.lookups import TrigramSimilar
from django.db.models import CharField
from django.utils.translation import gettext_lazy


class CrmConfig(AppConfig):
    name = "crm"
    verbose_name = gettext_lazy("门店CRM")

    def ready(self) -> None:
        # The `trigram_similar` lookup without installing django.contrib.postgres (config is shared).

        CharField.register_lookup(TrigramSimilar)
