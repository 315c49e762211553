"""重点客户周报 (handbook 004): every Monday each consultant's key customers go to the sales manager; each
ends the week as 成交 / 战败 / 延期 with the reason; the manager coaches from the weekly figures.

`key_review_open_week` is the Monday job (one per store through tenants.fan_out_to_stores): the week's
row (unique week_start) and one item per open key lead (unique week+lead) make a rerun harmless, and
the managers' notice is sent only by the run that created the week.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from tenants.errors import DomainError
from tenants.models import StoreMembership
from tenants.roles import StoreRole

from ..models import Lead
from ..models.aftersales import Notification
from ..models.appointments import KeyOutcome, KeyReviewCoaching, KeyReviewItem, KeyReviewWeek
from ..models.choices import DefeatReason, LeadStatus
from ..notifications import notify
from .defeat import lead_defeat
from .funnel import lead_postpone


def week_start_of(day: date) -> date:
    """The Monday of `day`'s week (store's calendar)."""
    return day - timedelta(days=day.weekday())


@dataclass
class WeekOpened:
    week: KeyReviewWeek
    created: bool
    items: int


@transaction.atomic
def key_review_open_week(*, store_id: int, day: date | None = None) -> WeekOpened:
    """周一报重点客户名单: list every open key lead per consultant for the week and tell the sales managers."""
    monday = week_start_of(day or timezone.localdate())
    week, created = KeyReviewWeek.objects.get_or_create(week_start=monday)
    leads = list(Lead.objects.filter(status=LeadStatus.OPEN, is_key=True).values_list("pk", "consultant_id"))
    KeyReviewItem.objects.bulk_create([KeyReviewItem(week=week, lead_id=pk, consultant_id=cid or 0)
                                       for pk, cid in leads], ignore_conflicts=True)
    if created:
        per: dict[int, int] = {}
        for _pk, cid in leads:
            per[cid or 0] = per.get(cid or 0, 0) + 1
        names = dict(StoreMembership.objects.filter(store_id=store_id, user_id__in=per)
                     .values_list("user_id", "user__name"))
        body = "；".join(gettext("%(name)s %(n)s 位") % {"name": names.get(cid, gettext("未分配")), "n": n}
                        for cid, n in sorted(per.items())) or gettext("本周暂无重点客户")
        managers = StoreMembership.objects.filter(store_id=store_id, is_active=True,
                                                  role=StoreRole.SALES_MANAGER).values_list("user_id", flat=True)
        notify([
            Notification(recipient_id=uid, kind="key_review", title=gettext("重点客户周报（%(day)s起）已生成") % {
                "day": monday.strftime(gettext("%m月%d日"))},
                         body=body[:500]) for uid in managers])
    return WeekOpened(week, created, week.items.count())


@transaction.atomic
def key_review_decide(*, member: StoreMembership, item: KeyReviewItem, outcome: str, reason: str = "",
                      competitor_brand: str = "", next_on: date | None = None) -> KeyReviewItem:
    """Record how a key customer's week ended. 战败 submits the lead for 战败审核 with the competitor bought
    (reason 购买竞品) or the reason typed (reason 其他), through the one defeat path (funnel.lead_defeat): the
    week's item records the reported outcome at once, the lead closes only when the sales manager approves,
    and a lead sent back is open again (and on next Monday's list while it is a key customer); 延期 keeps it
    open with a new date; 成交 asks that the deal was registered (with its car) on the 360° page first."""
    reason = reason.strip()
    lead = item.lead
    if outcome == KeyOutcome.DEAL:
        if lead.status != LeadStatus.DEAL:
            raise DomainError(gettext("请先在客户档案中登记成交（交付车辆），再记为成交。"), field="outcome")
    elif outcome == KeyOutcome.DEFEATED:
        if lead.status == LeadStatus.OPEN:
            if not (competitor_brand.strip() or reason):
                raise DomainError(gettext("战败请填写原因或购买的竞品品牌。"), field="competitor_brand")
            lead_defeat(member=member, lead=lead,
                        reason=DefeatReason.COMPETITOR if competitor_brand.strip() else DefeatReason.OTHER,
                        competitor_brand=competitor_brand, note=reason)
        elif lead.status not in (LeadStatus.DEFEATED, LeadStatus.DEFEAT_PENDING):
            raise DomainError(gettext("该线索已成交，不能记为战败。"), field="outcome")
        reason = reason or gettext("购买竞品：%(brand)s") % {"brand": competitor_brand.strip() or lead.competitor_brand}
    elif outcome == KeyOutcome.POSTPONED:
        if not reason:
            raise DomainError(gettext("延期请填写原因。"), field="reason")
        if lead.status == LeadStatus.OPEN:
            lead_postpone(member=member, lead=lead, next_on=next_on or timezone.localdate() + timedelta(days=7),
                          note=reason)
    else:
        raise DomainError(gettext("结果只能是成交、战败或延期。"), field="outcome")
    item.outcome = outcome
    item.reason = reason[:200]
    item.decided_at = timezone.now()
    item.save(update_fields=["outcome", "reason", "decided_at"])
    return item


@transaction.atomic
def key_review_coach(*, member: StoreMembership, week: KeyReviewWeek, consultant_id: int,
                     comment: str) -> KeyReviewCoaching:
    """销售总监辅导意见: one comment per consultant per week (a new one replaces the last)."""
    if not comment.strip():
        raise DomainError(gettext("请填写辅导意见。"), field="comment")
    row, _ = KeyReviewCoaching.objects.update_or_create(
        week=week, consultant_id=consultant_id,
        defaults={"comment": comment.strip()[:1000], "by_user_id": member.user_id, "updated_at": timezone.now()})
    return row
