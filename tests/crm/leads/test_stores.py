"""A freshly onboarded store takes pushed leads (its schema is cloned with the new tables), and HQ
compares first response by source only across its own group's stores."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from django_tenants.utils import tenant_context

from crm.leads.intake import IntakeItem, lead_intake_batch
from crm.models import ConsultantDuty, Lead, LeadIntake
from hq.metrics.periods import Period
from hq.metrics.selectors import compare, resolve_metrics
from hq.metrics.services import snapshot_refresh_store
from tenants.models import StoreMembership

from .conftest import MONDAY_10

DAY = Period("day", dt.date(2026, 12, 14))


def test_a_newly_onboarded_store_takes_leads(world: Any, db: Any) -> None:
    from tenants.services.onboarding import store_onboard

    store = store_onboard(group=world.group_x, name="新开线索店", slug="leads-clone", city="杭州", gm_name="经理",
                          gm_mobile="13812340001").store
    gm = StoreMembership.objects.create(store=store, user=world.user("nobody"), role="sales_manager")
    with tenant_context(store), time_machine.travel(MONDAY_10, tick=False):
        result = lead_intake_batch(member=gm, items=[IntakeItem(source="oem_dcc", mobile="13977770001",
                                                               source_lead_id="DCC-1")])[0]
        assert result.status == "accepted" and result.intake is not None
        lead = Lead.objects.get(pk=result.intake.lead_id)
        # No sales consultant yet: the lead waits for the sales manager (待分配), still with its deadline.
        assert lead.consultant_id is None and lead.first_response_due_at is not None
        assert LeadIntake.objects.count() == 1 and not ConsultantDuty.objects.exists()


def test_hq_of_group_y_sees_nothing_of_group_xs_first_response(world: Any, member: Any) -> None:
    with tenant_context(world.store_a), time_machine.travel(MONDAY_10, tick=False):
        lead_intake_batch(member=member("a.sales_manager"), items=[IntakeItem(source="autohome", mobile="13977770002",
                                                                              source_lead_id="AH-X")])
    for store in (world.store_a, world.store_c):
        snapshot_refresh_store(store=store, period=DAY)
    metrics = resolve_metrics(["lead_response_on_time_pct.autohome"])
    x = compare(world.group_x, period=DAY, metrics=metrics)
    y = compare(world.group_y, period=DAY, metrics=metrics)
    assert world.store_a.pk in {r.store_id for r in x.rows}
    assert {r.store_id for r in y.rows} == {world.store_c.pk}
    assert y.total["lead_response_on_time_pct.autohome"] is None  # C received no lead


def test_hqs_metric_picker_offers_defeats_by_source_and_reason(world: Any, db: Any) -> None:
    from tests.conftest import client_for

    page = client_for(world.user("x.hq_admin")).get("/hq/compare/").content.decode()
    for key in ("defeat_rate_source.autohome", "defeat_source.oem_dcc", "defeat_reason.competitor",
                "lead_response_on_time_pct.hotline"):
        assert f'value="{key}"' in page, key
    picked = client_for(world.user("x.hq_admin")).get(
        "/hq/compare/?metrics=defeat_rate_source.dongchedi&metrics=defeat_reason.price").content.decode()
    assert "战败率（来源：懂车帝）" in picked and "战败原因：价格因素" in picked
