"""What the 360° page's sales-floor section needs: its forms (bound when a post failed), the booked test
drives and the appointments. Kept apart so the 360° view stays one call for the other slices."""

from __future__ import annotations

from typing import Any

from tenants.models import StoreMembership
from tenants.requests import current_store
from tenants.roles import Perm, role_allows

from ..forms import AppointmentForm, FollowUpForm, LeadDealForm, LeadDefeatForm, LeadGradeForm, TestDriveForm
from ..models.funnel import TestDrive, TestDriveStatus
from ..selectors.sales_floor import appointments_for_customer, service_advisors


def sales_360_context(*, member: StoreMembership, data: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    customer = data["customer"]
    open_lead = next((lead for lead in data["leads"] if lead.status == "open"), None)
    store_id = current_store().pk
    advisors = service_advisors(store_id)
    initial_lead = {"lead": open_lead.pk} if open_lead else {}
    ctx: dict[str, Any] = {
        "followup_form": FollowUpForm(initial=initial_lead),
        "test_drive_form": TestDriveForm(initial={**initial_lead,
                                                  "model": open_lead.model_of_interest if open_lead else ""}),
        "grade_form": LeadGradeForm(),
        "deal_form": LeadDealForm(), "defeat_form": LeadDefeatForm(), "form_lead": None,
        "appointment_form": AppointmentForm(vehicles=data["vehicles"], advisors=advisors),
        "booked_drives": list(TestDrive.objects.filter(customer=customer, status=TestDriveStatus.BOOKED)
                              .order_by("driven_at")),
        "appointments": appointments_for_customer(customer.pk),
        "can_lead_actions": role_allows(member.role, Perm.MANAGE_LEADS),
    }
    if "appointment_form" in extra and not isinstance(extra["appointment_form"], AppointmentForm):
        extra = {k: v for k, v in extra.items() if k != "appointment_form"}
    ctx.update(extra)
    return ctx
