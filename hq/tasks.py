"""HQ Celery tasks: thin, take ids, call a service. Adoption runs once per store, in its schema."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.db import connection
from django.utils.module_loading import import_string

from tenants.fanout import Work, fan_out_to_stores, stores_for

from .models import PolicyVersion

log = logging.getLogger(__name__)

# Spread a thousand stores' adoptions over this many seconds rather than one burst.
FANOUT_SPREAD_S = 10


@shared_task(name="hq.policy_fanout", acks_late=True)
def policy_fanout(version_id: int) -> int:
    """发布后下发: enqueue one adoption task per store of the version's group (not archived)."""
    version = PolicyVersion.objects.select_related("template").filter(pk=version_id).first()
    if version is None:
        return 0
    group_id = version.template.group_id
    many = len(stores_for(Work.BOOKKEEPING, group_id=group_id)) > 100
    n = fan_out_to_stores("hq.policy_adopt_store", work=Work.BOOKKEEPING, group_id=group_id,
                          args=lambda s: (s.pk, version_id), spread_seconds=FANOUT_SPREAD_S if many else 0)
    log.info("policy version %s fanned out to %s stores", version_id, n)
    return n


@shared_task(name="hq.policy_adopt_store", acks_late=True)
def policy_adopt_store(store_id: int, version_id: int) -> bool:
    """One store adopts one published version (idempotent), in the store's schema: a classification
    version also becomes the thresholds the store's CRM classifies with."""
    from .services.policies import (
        store_policy_adopt,  # cycle: hq.services.policies imports hq.tasks (Celery convention)
    )

    adoption = store_policy_adopt(store_id=store_id, version_id=version_id)
    if adoption is None:
        return False
    schema = getattr(connection, "schema_name", "public")
    hook = settings.HQ_ADOPTION_HOOKS.get(str(adoption.kind))
    if hook and schema != "public":
        import_string(hook)()  # e.g. a classification version becomes the CRM's thresholds
    return True


@shared_task(name="hq.policy_scheduled_adoptions", acks_late=True)
def policy_scheduled_adoptions() -> int:
    """定时生效: hourly, versions whose 生效日期 has come are adopted by the stores still behind."""
    from .services.policies import (
        policy_scheduled_adoptions_run,  # cycle: hq.services.policies imports hq.tasks (Celery convention)
    )

    return len(policy_scheduled_adoptions_run())
