"""战败审核 (handbook 000: defeated leads keep a reason and the competitor bought): a consultant's 战败 goes to
the sales manager, who approves it (the lead closes as 战败) or sends it back with a comment (the lead is open
again, due today, and the consultant is told).

`lead_defeat` is the one entry for marking a lead defeated (pages, API, the Monday key-customer review);
`lead_defeat_approve` is the one place a lead closes as 战败.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from tenants.errors import DomainError
from tenants.models import StoreMembership
from tenants.roles import Perm, StoreRole, role_allows
from tenants.selectors import store_members

from ..cadence.tasks import cadence_after_event
from ..leads.hooks import lead_status_notify
from ..models import Customer, Lead
from ..models.aftersales import Notification
from ..models.choices import DefeatReason, LeadStatus
from ..models.customers import Lifecycle
from ..models.pool import DefeatDecision, DefeatReview
from ..notifications import notify
from .funnel import _open
from .pool import pool_recycle_defeated


def may_approve_defeats(member: StoreMembership) -> bool:
    """Whether this member's role decides 战败审核 (not: whether they may decide one particular lead)."""
    return role_allows(member.role, Perm.SALES_DECISIONS)


@transaction.atomic
def lead_defeat(
    *, member: StoreMembership, lead: Lead, reason: str, competitor_brand: str = "", competitor_model: str = "",
    note: str = "",
) -> Lead:
    """战败申请: the reason code (and the competitor bought, when that is the reason) go with the lead to the
    sales manager's 战败审核; the lead waits as 战败待审 (its follow-up tasks close) until they approve it or
    send it back."""
    _open(lead)
    if reason not in DefeatReason.values:
        raise DomainError(gettext("请选择战败原因。"), field="reason")
    if reason == DefeatReason.COMPETITOR and not competitor_brand.strip():
        raise DomainError(gettext("购买竞品时请填写竞品品牌。"), field="competitor_brand")
    lead.status = LeadStatus.DEFEAT_PENDING
    lead.defeat_reason = reason
    lead.competitor_brand = competitor_brand.strip()[:30]
    lead.competitor_model = competitor_model.strip()[:40]
    lead.close_note = note.strip()[:200]
    lead.save(update_fields=["status", "defeat_reason", "competitor_brand", "competitor_model", "close_note"])
    defeat_submit(member=member, lead=lead)
    cadence_after_event(customer_id=lead.customer_id)
    return lead


def defeat_submit(*, member: StoreMembership, lead: Lead) -> DefeatReview:
    """The pending review row for a lead just marked 战败待审, and a notice to the store's sales managers
    (the general manager when the store has none); never to the submitter."""
    review = DefeatReview.objects.create(
        lead=lead, submitted_by_id=member.user_id, reason=lead.defeat_reason,
        competitor_brand=lead.competitor_brand, competitor_model=lead.competitor_model, note=lead.close_note)
    approvers = store_members(member.store_id, roles=(StoreRole.SALES_MANAGER,)) or \
        store_members(member.store_id, roles=(StoreRole.GENERAL_MANAGER,))
    title = gettext("战败待审：%(customer)s（%(reason)s）") % {
        "customer": lead.customer.name, "reason": review.get_reason_display()}
    body = gettext("提交人：%(name)s。请在「战败审核」中批准或退回。") % {"name": getattr(member.user, "name", "")}
    notify([Notification(recipient_id=m.user_id, kind="defeat", title=title, body=body) for m in approvers],
           exclude=member.user_id)
    return review


def _pending_review(lead: Lead) -> DefeatReview:
    review = lead.defeat_reviews.filter(decision=DefeatDecision.PENDING).first()
    if lead.status != LeadStatus.DEFEAT_PENDING or review is None:
        raise DomainError(gettext("该线索不在战败审核中。"))
    return review


def _decider_check(member: StoreMembership, lead: Lead, review: DefeatReview) -> None:
    if not may_approve_defeats(member):
        raise DomainError(gettext("只有销售经理或总经理可以审核战败。"))
    if member.user_id in (review.submitted_by_id, lead.consultant_id):
        raise DomainError(gettext("不能审核自己的战败申请，请由其他经理审核。"))


def _decide(review: DefeatReview, member: StoreMembership, decision: str, comment: str) -> None:
    review.decision = decision
    review.decided_by_id = member.user_id
    review.decided_at = timezone.now()
    review.comment = comment.strip()[:300]
    review.save(update_fields=["decision", "decided_by_id", "decided_at", "comment"])


@transaction.atomic
def lead_defeat_approve(*, member: StoreMembership, lead: Lead, comment: str = "") -> Lead:
    """批准战败: the lead closes as 战败 with the reason it was submitted with; a prospect with no other lead in
    progress becomes a 战败客户, and is recycled to the shared pool when the policy says so."""
    lead = Lead.objects.select_for_update().select_related("customer").get(pk=lead.pk)
    review = _pending_review(lead)
    _decider_check(member, lead, review)
    _decide(review, member, DefeatDecision.APPROVED, comment)
    lead.status = LeadStatus.DEFEATED
    lead.closed_at = timezone.now()
    lead.next_followup_on = None
    lead.is_key = False
    lead.save(update_fields=["status", "closed_at", "next_followup_on", "is_key"])
    customer = lead.customer
    still_working = customer.leads.filter(status__in=(LeadStatus.OPEN, LeadStatus.DEFEAT_PENDING)).exists()
    if customer.lifecycle == Lifecycle.PROSPECT and not still_working:
        Customer.objects.filter(pk=customer.pk).update(lifecycle=Lifecycle.DEFEATED)
    if not still_working:
        pool_recycle_defeated(customer_id=customer.pk)
    lead_status_notify(lead=lead, event="defeated")  # 线索状态回传: the platform hears of an approved defeat only
    cadence_after_event(customer_id=lead.customer_id)
    return lead


@transaction.atomic
def lead_defeat_return(*, member: StoreMembership, lead: Lead, comment: str) -> Lead:
    """退回战败申请: the lead is open again and due today; the comment says what to do, and the consultant
    is told (站内通知)."""
    if not (comment or "").strip():
        raise DomainError(gettext("退回时请填写审核意见，告诉顾问还需要做什么。"), field="comment")
    lead = Lead.objects.select_for_update().select_related("customer").get(pk=lead.pk)
    review = _pending_review(lead)
    _decider_check(member, lead, review)
    _decide(review, member, DefeatDecision.RETURNED, comment)
    lead.status = LeadStatus.OPEN
    lead.defeat_reason = ""
    lead.competitor_brand = ""
    lead.competitor_model = ""
    lead.close_note = ""
    lead.next_followup_on = timezone.localdate()
    lead.next_step = (gettext("战败被退回：%(comment)s") % {"comment": review.comment})[:200]
    lead.save(update_fields=["status", "defeat_reason", "competitor_brand", "competitor_model", "close_note",
                             "next_followup_on", "next_step"])
    recipients = {uid for uid in (lead.consultant_id, review.submitted_by_id) if uid and uid != member.user_id}
    title = gettext("战败申请被退回：%(customer)s") % {"customer": lead.customer.name}
    notify([Notification(recipient_id=uid, kind="defeat_back", title=title,
                         body=gettext("审核意见：%(comment)s。请今天继续跟进。") % {"comment": review.comment})
            for uid in sorted(recipients)])
    cadence_after_event(customer_id=lead.customer_id)  # open again: its grade's follow-ups come back
    return lead
