"""离职交接: what a staff member owns in this store, and moving all of it to a named colleague.

A departing employee takes no customer data with them, and their customers go to a named colleague
(handbook 000, 员工义务). tenants decides when (deactivation or a manager's bulk reassignment) and
calls these through tenants.hooks, inside the store's schema and the caller's transaction (they are
named in settings.TENANTS_HOOKS). Customers move through the one reassignment rule
(`customers_move`: recorded per customer, open leads follow); the other work items are re-pointed.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext

from ..models import Complaint, CorrectiveAction, Customer, FollowUpTask, Lead
from ..models.aftersales import ActionStatus, ComplaintState
from ..models.cadence import TaskStatus
from ..models.choices import LeadStatus
from .customers import customers_move

_OPEN_TASK = (TaskStatus.OPEN, TaskStatus.OVERDUE)


def _work(user_id: int) -> dict[str, QuerySet]:  # type: ignore[type-arg]
    """The member's open work, by kind. Closed work stays attributed to whoever did it."""
    return {
        "customers": Customer.objects.filter(consultant_id=user_id),
        "leads": Lead.objects.filter(consultant_id=user_id, status__in=(LeadStatus.OPEN, LeadStatus.DEFEAT_PENDING)),
        "tasks": FollowUpTask.objects.filter(assignee_id=user_id, status__in=_OPEN_TASK),
        # The person who took the complaint in handles it until it is closed (there is no other handler).
        "complaints": Complaint.objects.filter(created_by_id=user_id).exclude(state=ComplaintState.CLOSED),
        "corrective_actions": CorrectiveAction.objects.filter(owner_id=user_id).exclude(status=ActionStatus.DONE),
    }


def member_owned(user_id: int) -> dict[str, int]:
    """Per kind, how many open work items the member owns in this store."""
    return {kind: qs.count() for kind, qs in _work(user_id).items()}


@transaction.atomic
def member_handover(from_user_id: int, to_user_id: int, by_user_id: int) -> dict[str, int]:
    """Move all the member's open work to `to_user_id`; per-kind counts moved (customers via customers_move)."""
    work = _work(from_user_id)
    moved: dict[str, int] = {}
    customer_ids = list(work["customers"].values_list("pk", flat=True))
    leads_before = work["leads"].count()
    moved["customers"] = (
        customers_move(customer_ids=customer_ids, consultant_id=to_user_id, by_user_id=by_user_id, reason=gettext("离职交接"))
        if customer_ids else 0
    )
    # Open leads of those customers followed them; the rest (leads on others' customers) move here.
    work["leads"].update(consultant_id=to_user_id)
    moved["leads"] = leads_before
    moved["tasks"] = work["tasks"].update(assignee_id=to_user_id)
    moved["complaints"] = work["complaints"].update(created_by_id=to_user_id)
    moved["corrective_actions"] = work["corrective_actions"].update(owner_id=to_user_id)
    return moved

