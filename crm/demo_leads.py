"""The demo store's pushed leads (make run): 汽车之家, 懂车帝, 易车, the brand's DCC and 400 calls in the states
a new user should see — new in a consultant's inbox, past the first-response deadline and escalated,
contacted, a defeat waiting for the sales manager, one approved and back in the pool — all relative to the
demo's clock and written through the services (intake, follow-up, defeat, sweep), never as raw rows.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tenants.models import Store, StoreMembership
from tenants.roles import StoreRole

from .leads.intake import IntakeItem, lead_intake_batch
from .leads.services import lead_sla_sweep
from .leads.sla import lead_clock
from .models import Lead, LeadIntake
from .models.choices import Channel, ContactOutcome, DefeatReason
from .models.leads import IntakeVia, LeadSource
from .services import followup_create
from .services.defeat import lead_defeat, lead_defeat_approve

# (source, hours before the demo's clock it was received, name, model, campaign, what happened since)
# what: "" = waiting in the inbox; talked = a first human contact 12 working minutes after receipt (late:
# after 45, past the 30-minute deadline); no_answer = a call not answered (the clock runs on); defeat = contacted, then 战败 sent for approval; pooled = that defeat approved (公海).
PLAN: tuple[tuple[str, float, str, str, str, str], ...] = (
    (LeadSource.AUTOHOME, 0.1, "周先生", "ID.4 CROZZ", "年终购车节", ""),
    (LeadSource.DONGCHEDI, 0.15, "吴女士", "途观L", "懂车帝询底价", ""),
    (LeadSource.YICHE, 0.2, "郑先生", "帕萨特", "易车团购", ""),
    (LeadSource.OEM_DCC, 0.3, "王女士", "ID.3", "厂家官网预约试驾", ""),
    (LeadSource.HOTLINE, 0.05, "冯先生", "朗逸", "", ""),
    (LeadSource.AUTOHOME, 70, "陈先生", "途岳", "年终购车节", "no_answer"),
    (LeadSource.DONGCHEDI, 75, "褚女士", "威然", "懂车帝询底价", ""),
    (LeadSource.YICHE, 96, "卫先生", "途昂", "易车团购", ""),
    (LeadSource.AUTOHOME, 30, "蒋女士", "ID.4 CROZZ", "年终购车节", "talked"),
    (LeadSource.OEM_DCC, 50, "沈先生", "帕萨特", "厂家官网预约试驾", "late"),
    (LeadSource.HOTLINE, 26, "韩女士", "朗逸", "", "talked"),
    (LeadSource.DONGCHEDI, 120, "杨先生", "途观L", "懂车帝询底价", "defeat"),
    (LeadSource.YICHE, 140, "朱女士", "凌渡L", "易车团购", "defeat"),
    (LeadSource.AUTOHOME, 160, "秦先生", "ID.6 CROZZ", "年终购车节", "pooled"),
)
DEFEATS = ((DefeatReason.COMPETITOR, "比亚迪", "宋PLUS"), (DefeatReason.PRICE, "", ""),
           (DefeatReason.COMPETITOR, "特斯拉", "Model Y"))


def _member(store: Store, role: str) -> StoreMembership | None:
    return StoreMembership.objects.select_related("user").filter(store=store, role=role, is_active=True).first()


def demo_leads_push(*, store: Store, number: int) -> int:
    """Receive the demo's leads in the current store (once: a store that has intake rows keeps them).
    `number` (the store's position in the demo, 0-based) keeps each store's phones apart. Returns the
    number of leads received."""
    manager = _member(store, StoreRole.SALES_MANAGER)
    if manager is None or LeadIntake.objects.exists():
        return 0
    hotline_desk = _member(store, StoreRole.CUSTOMER_SERVICE) or manager
    now = timezone.now()
    results = []
    for n, (source, hours, name, model, campaign, _what) in enumerate(PLAN):
        item = IntakeItem(source=source, mobile=f"166{number:03d}{n:05d}", name=name, model_of_interest=model,
                          campaign=campaign, source_lead_id="" if source == LeadSource.HOTLINE else f"DEMO-{n:04d}",
                          received_at=now - dt.timedelta(hours=hours))
        if source == LeadSource.HOTLINE:
            results.append(lead_intake_batch(member=hotline_desk, items=[item], via=IntakeVia.MANUAL, now=now)[0])
        else:
            results.append(lead_intake_batch(member=manager, items=[item], now=now)[0])
    # The same person again from a second platform within the week: recorded as a duplicate, no new lead.
    lead_intake_batch(member=manager, items=[IntakeItem(source=LeadSource.YICHE, mobile=f"166{number:03d}{0:05d}",
                                                        name="周先生", source_lead_id="DEMO-DUP", received_at=now)],
                      now=now)
    staff = {m.user_id: m for m in StoreMembership.objects.select_related("user").filter(store=store, is_active=True)}
    defeats = iter(DEFEATS)
    clock = lead_clock(store)
    for (_s, _h, _n, _m, _c, what), result in zip(PLAN, results, strict=True):
        if not what or result.intake is None:
            continue
        lead = Lead.objects.select_related("customer").get(pk=result.intake.lead_id)
        received = lead.received_at or now
        owner = staff.get(lead.consultant_id or 0, manager)
        reached = what != "no_answer"
        # Calls are made in working time: N working minutes after receipt (a night lead is called next morning).
        called = min(now, clock.after(received, 45 if what == "late" else 12 if reached else 5))
        followup_create(member=owner, customer=lead.customer, lead=lead, channel=Channel.PHONE,
                        outcome=ContactOutcome.TALKED if reached else ContactOutcome.NO_ANSWER,
                        content="介绍车型与到店优惠，约周末试驾" if reached else "电话未接通", happened_at=called)
        if what in ("defeat", "pooled"):
            reason, brand, competitor_model = next(defeats)
            lead_defeat(member=owner, lead=lead, reason=reason, competitor_brand=brand,
                        competitor_model=competitor_model, note="客户已决定，不再考虑本品牌")
        if what == "pooled":
            lead_defeat_approve(member=manager, lead=lead, comment="核实属实")
    # What beat does every few minutes: the ones past their deadline are escalated to the sales manager,
    # and those nobody claimed in time go to the next consultant on duty.
    lead_sla_sweep(now=now)
    return len(results)
