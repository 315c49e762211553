"""HQ's store drill-down shows escalated complaints and overdue measures: counts and codes, no personal data."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from django.utils import timezone

from crm.aftersales.actions import corrective_action_create
from crm.aftersales.complaints import complaint_sla_sweep
from crm.models.aftersales import CorrectiveAction
from tests.conftest import client_for

from .conftest import at, customer, submitted_complaint


# Monday 23 Nov 2026 17:30 in the store: the Friday complaint has been swept.
@time_machine.travel(dt.datetime(2026, 11, 23, 17, 30, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False)
def test_hq_sees_the_escalations_card_without_customer_data(store_a: Any, m: Any, world: Any) -> None:
    c = submitted_complaint(m("a.customer_service"), reported_at=at(dt.date(2026, 11, 20), 16),
                            c=customer(name="张秘密"))
    complaint_sla_sweep(now=at(dt.date(2026, 11, 23), 17))
    sm = m("a.service_manager")
    a = corrective_action_create(member=sm, kind="preventive", source="monthly_report", description="机密措施内容",
                                 owner_id=sm.user_id, deadline=timezone.localdate(), report_month=dt.date(2026, 11, 1))
    CorrectiveAction.objects.filter(pk=a.pk).update(deadline=timezone.localdate() - dt.timedelta(days=3))
    page = client_for(world.user("x.hq_admin")).get(f"/hq/stores/{world.store_a.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    card = html[html.index('id="store-escalations"'):]
    assert c.code in card and "逾期 3 天" in card and "预防措施" in card
    assert "张秘密" not in html and c.customer.mobile not in html and "机密措施内容" not in html
