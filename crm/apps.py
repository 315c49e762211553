from django.apps import AppConfig


class CrmConfig(AppConfig):
    name = "crm"
    verbose_name = "门店CRM"

    def ready(self) -> None:
        # The `trigram_similar` lookup without installing django.contrib.postgres (config is shared).
        from django.contrib.postgres.lookups import TrigramSimilar
        from django.db.models import CharField

        CharField.register_lookup(TrigramSimilar)

        # 离职交接: tenants asks through its hook registry (it never imports crm).
        from tenants.hooks import register_handover

        from .services.handover import HOOK

        register_handover(HOOK)
