"""线索收件箱的写操作: claim (认领), a sales manager's assignment (分配), the duty flag (在岗), and the sweep
that escalates a missed first response and reassigns a lead nobody claimed."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from tenants.errors import DomainError
from tenants.models import StoreMembership
from tenants.requests import current_store
from tenants.roles import Perm, StoreRole, role_allows
from tenants.selectors import store_role_members
from tenants.staff import store_staff_check

from ..models import ConsultantDuty, Customer, Lead, LeadRoutingRule, LeadSourceHook
from ..models.aftersales import Notification
from ..models.choices import LeadStatus
from ..models.leads import LeadSource
from ..notifications import notify
from .routing import RoundRobin
from .sla import lead_clock

LEAD_SLA_NOTICE = "lead_sla"


def _awaiting(lead: Lead) -> None:
    if lead.status != LeadStatus.OPEN or lead.first_contact_at is not None:
        raise DomainError(gettext("该线索已联系过或已结案。"))


@transaction.atomic
def lead_claim(*, member: StoreMembership, lead: Lead) -> Lead:
    """认领: a consultant takes a lead assigned to them, or one nobody has (待分配)."""
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    _awaiting(lead)
    if lead.consultant_id not in (None, member.user_id):
        raise DomainError(gettext("该线索已分配给其他顾问。"))
    if lead.claimed_at is not None:
        return lead
    now = timezone.now()
    if lead.consultant_id is None:
        lead.consultant_id, lead.assigned_at = member.user_id, now
        Customer.objects.filter(pk=lead.customer_id, consultant_id__isnull=True).update(consultant_id=member.user_id)
    lead.claimed_at = now
    lead.save(update_fields=["consultant_id", "assigned_at", "claimed_at"])
    return lead


@transaction.atomic
def lead_assign(*, member: StoreMembership, lead: Lead, consultant_id: int) -> Lead:
    """分配: a sales manager hands a lead waiting for its first contact to a named consultant; the claim
    starts over and the reassignment clock counts from now."""
    if not role_allows(member.role, Perm.REASSIGN_CUSTOMERS):
        raise DomainError(gettext("只有经理可以分配线索。"))
    store_staff_check(consultant_id, field="consultant_id", roles=[StoreRole.SALES_CONSULTANT],
                      message=gettext("所选销售顾问不是本店在职销售顾问。"))
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    _awaiting(lead)
    now = timezone.now()
    clock = lead_clock(current_store())
    _follow(lead, consultant_id)
    lead.consultant_id, lead.assigned_at, lead.claimed_at = consultant_id, now, None
    lead.reassign_due_at = clock.reassign_due(now)
    lead.save(update_fields=["consultant_id", "assigned_at", "claimed_at", "reassign_due_at"])
    return lead


def _follow(lead: Lead, consultant_id: int) -> None:
    """The customer goes with the lead when they were unowned or the previous consultant's (so the new
    one can open the file and log the call)."""
    Customer.objects.filter(pk=lead.customer_id).filter(
        Q(consultant_id__isnull=True) | Q(consultant_id=lead.consultant_id)).update(consultant_id=consultant_id)


@transaction.atomic
def duty_set(*, member: StoreMembership, on_duty: bool) -> ConsultantDuty:
    """在岗/离岗: a consultant switches their own taking of new leads."""
    duty, _ = ConsultantDuty.objects.update_or_create(consultant_id=member.user_id, defaults={"on_duty": on_duty})
    return duty


def _managers() -> list[int]:
    store = current_store()
    return store_role_members(store.pk).get(StoreRole.SALES_MANAGER, [])


@transaction.atomic
def lead_sla_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Per store, every few minutes (tenants.fanout, OUTBOUND): a lead past its first-response deadline
    with no human contact is escalated once to the sales managers (站内通知); an unclaimed, uncontacted
    lead past its reassignment time goes to the next consultant on duty (or to nobody: 待分配)."""
    now = now or timezone.now()
    store = current_store()
    clock = lead_clock(store)
    awaiting = Lead.objects.select_for_update(skip_locked=True).filter(
        status=LeadStatus.OPEN, first_contact_at__isnull=True, first_response_due_at__isnull=False)
    late = list(awaiting.filter(first_response_due_at__lte=now, escalated_at__isnull=True).select_related("customer"))
    managers = _managers()
    notify([
        Notification(recipient_id=uid, kind=LEAD_SLA_NOTICE,
                     title=(gettext("线索超时未联系：%(name)s") % {"name": lead.customer.name})[:120],
                     body=gettext("截止 %(due)s 仍无人联系，请督促或改派。")
                     % {"due": f"{timezone.localtime(lead.first_response_due_at):%m-%d %H:%M}"})
        for lead in late for uid in managers])
    Lead.objects.filter(pk__in=[lead.pk for lead in late]).update(escalated_at=now)
    stale = list(awaiting.filter(claimed_at__isnull=True, reassign_due_at__lte=now).select_related("customer"))
    moved = 0
    handed: list[Notification] = []
    if stale:
        turns = RoundRobin(clock, now)
        for lead in stale:
            nxt = turns.take(lead.source, exclude=lead.consultant_id)
            if nxt is None:
                continue
            _follow(lead, nxt)
            Lead.objects.filter(pk=lead.pk).update(consultant_id=nxt, assigned_at=now,
                                                   reassign_due_at=clock.reassign_due(now),
                                                   reassigned_count=lead.reassigned_count + 1)
            handed.append(Notification(recipient_id=nxt, kind="lead_moved",
                                       title=gettext("线索改派给您：%(name)s") % {"name": lead.customer.name},
                                       body=gettext("原顾问超时未认领，请尽快首次联系。")))
            moved += 1
        turns.save()
    notify(handed)  # 交接: the consultant a lead moved to hears of it
    return {"escalated": len(late), "reassigned": moved}


@transaction.atomic
def lead_settings_save(*, member: StoreMembership, source: str, consultant_ids: list[int], hook_url: str = "",
                       hook_secret: str = "", hook_enabled: bool = True) -> str:
    """线索设置 of one source: who its leads go to (none chosen = every consultant on duty), and its status
    webhook (an empty URL removes it; an empty secret keeps the one set before)."""

    if not role_allows(member.role, Perm.REASSIGN_CUSTOMERS):
        raise DomainError(gettext("只有经理可以修改线索设置。"))
    if source not in LeadSource.values:
        raise DomainError(gettext("来源取值无效。"), field="source")
    for cid in consultant_ids:
        store_staff_check(cid, field="consultant_ids", roles=[StoreRole.SALES_CONSULTANT],
                          message=gettext("所选销售顾问不是本店在职销售顾问。"))
    if consultant_ids:
        LeadRoutingRule.objects.update_or_create(source=source, defaults={"consultant_ids": sorted(set(consultant_ids))})
    else:
        LeadRoutingRule.objects.filter(source=source).delete()
    url = (hook_url or "").strip()
    hook = LeadSourceHook.objects.filter(source=source).first()
    if not url:
        LeadSourceHook.objects.filter(source=source).delete()
        return source
    if not url.startswith(("https://", "http://")):
        raise DomainError(gettext("回传地址应以 https:// 开头。"), field="hook_url")
    secret = (hook_secret or "").strip() or (hook.secret if hook else "")
    if len(secret) < 16:
        raise DomainError(gettext("签名密钥至少 16 个字符。"), field="hook_secret")
    LeadSourceHook.objects.update_or_create(source=source, defaults={"url": url[:300], "secret": secret[:128],
                                                                     "enabled": hook_enabled})
    return source
