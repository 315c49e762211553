"""Thin tasks of the lead intake: the per-store first-response sweep, fanned out every few minutes."""

from __future__ import annotations

from celery import shared_task

from tenants.fanout import Work, fan_out_to_stores

from .services import lead_sla_sweep


@shared_task(name="leads.sla_fanout", acks_late=True)
def leads_sla_fanout() -> int:

    return fan_out_to_stores("leads.sla_sweep", work=Work.OUTBOUND, expires=240)


@shared_task(name="leads.sla_sweep", acks_late=True)
def leads_sla_sweep() -> dict[str, int]:

    return lead_sla_sweep()
