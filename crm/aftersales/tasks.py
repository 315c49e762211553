"""After-sales Celery tasks: thin, take ids, run in the store's schema (tenant-schemas-celery headers).

Beat runs `aftersales.sla_fanout` every few minutes; it enqueues one `aftersales.sla_sweep` per active
store. The sweep is idempotent and commits breach marks and notices together, so acks_late redelivery
after a killed worker completes the work without a second notice.
"""

from __future__ import annotations

from celery import shared_task

from tenants.fanout import Work, fan_out_to_stores

from .complaints import complaint_sla_sweep


@shared_task(name="aftersales.sla_fanout", acks_late=True)
def aftersales_sla_fanout() -> int:
    return fan_out_to_stores("aftersales.sla_sweep", work=Work.OUTBOUND, expires=600)


@shared_task(name="aftersales.sla_sweep", acks_late=True)
def aftersales_sla_sweep() -> int:
    """One store: escalate breached complaint deadlines (投诉超时升级)."""
    return complaint_sla_sweep().breached
