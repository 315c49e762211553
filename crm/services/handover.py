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

from tenants.models import User

from ..models import Complaint, CorrectiveAction, Customer, FollowUpTask, Lead
from ..models.aftersales import ActionStatus, ComplaintState, Notification
from ..models.cadence import TaskStatus
from ..models.choices import LeadStatus
from ..notifications import notify
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
    _notify_handover(from_user_id, to_user_id, by_user_id, moved)
    return moved


def _notify_handover(from_user_id: int, to_user_id: int, by_user_id: int, moved: dict[str, int]) -> None:
    """交接: the colleague who takes the work over is told what came to them."""
    if not any(moved.values()):
        return

    names = dict(User.objects.filter(pk=from_user_id).values_list("pk", "name"))
    counts = gettext("客户 %(customers)s 位、线索 %(leads)s 条、待办 %(tasks)s 项、投诉 %(complaints)s 件、"
                     "整改措施 %(actions)s 项") % {**moved, "actions": moved["corrective_actions"]}
    notify([Notification(recipient_id=to_user_id, kind="handover",
                         title=gettext("交接：%(name)s 的工作已转给您") % {"name": names.get(from_user_id, "")},
                         body=counts)], exclude=by_user_id)

