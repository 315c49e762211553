"""Isolation rows for the lead pages and the push endpoint: other stores 404, colleagues 404, anonymous out."""

from __future__ import annotations

from typing import Any

from tests.harness import Case


def inbox_lead_path(suffix: str) -> Any:
    """A lead of store A received through intake and assigned to a.sales_consultant (rolled back per test)."""
    def path(world: Any) -> str:
        from django_tenants.utils import tenant_context

        from crm.leads.intake import IntakeItem, lead_intake_batch
        from crm.models import Customer, Lead
        from tenants.models import StoreMembership

        manager = StoreMembership.objects.get(user=world.user("a.sales_manager"), store=world.store_a)
        owner = world.user("a.sales_consultant").pk
        with tenant_context(world.store_a):
            result = lead_intake_batch(member=manager, items=[IntakeItem(source="autohome", mobile="13988880001",
                                                                        source_lead_id="HARNESS-1")])[0]
            assert result.intake is not None
            lead = Lead.objects.get(pk=result.intake.lead_id)
            Lead.objects.filter(pk=lead.pk).update(consultant_id=owner)
            Customer.objects.filter(pk=lead.customer_id).update(consultant_id=owner)
        return f"/leads/inbox/{lead.pk}/{suffix}"

    path.__name__ = f"leads/inbox/<a>/{suffix}"
    return path


ROWS = [
    Case("a.sales_consultant", "a", "/leads/inbox/", 200),
    Case("a.sales_manager", "a", "/leads/inbox/", 200),
    Case("a.customer_service", "a", "/leads/inbox/", 404, note="customer service does not manage leads"),
    Case("b.sales_manager", "a", "/leads/inbox/", 404, note="same group, other store"),
    Case("c.sales_consultant", "a", "/leads/inbox/", 404, note="other group"),
    Case("x.hq_admin", "a", "/leads/inbox/", 404, note="HQ is not store staff"),
    Case(None, "a", "/leads/inbox/", 302),
    Case("a.customer_service", "a", "/leads/hotline/", 200, note="reception takes 400 calls"),
    Case("a.sales_consultant", "a", "/leads/hotline/", 200),
    Case("b.general_manager", "a", "/leads/hotline/", 404),
    Case(None, "a", "/leads/hotline/", 302),
    Case("a.sales_manager", "a", "/leads/import/", 200),
    Case("a.sales_consultant", "a", "/leads/import/", 404, note="a consultant imports no files"),
    Case("b.sales_manager", "a", "/leads/import/", 404),
    Case("a.sales_manager", "a", "/leads/response/", 200),
    Case("a.sales_consultant", "a", "/leads/response/", 404),
    Case("b.sales_manager", "a", "/leads/response/", 404),
    Case("x.hq_admin", "a", "/leads/response/", 404),
    Case("a.sales_consultant", "a", inbox_lead_path("contact/"), 200),
    Case("a.sales_manager", "a", inbox_lead_path("contact/"), 200),
    Case("ab.sales_consultant", "a", inbox_lead_path("contact/"), 404, note="a colleague's lead"),
    Case("b.general_manager", "a", inbox_lead_path("contact/"), 404),
    Case("b.general_manager", "b", inbox_lead_path("contact/"), 404, note="A's id asked at B"),
    Case("ab.sales_consultant", "a", inbox_lead_path("claim/"), 404, method="post"),
    Case("a.sales_consultant", "a", inbox_lead_path("claim/"), 302, method="post"),
    Case("ab.sales_consultant", "a", inbox_lead_path("contact/"), 404, method="post",
         data={"channel": "phone", "outcome": "talked", "content": "x"}),
    Case("a.sales_consultant", "a", inbox_lead_path("assign/"), 404, method="post", data={"consultant_id": "0"},
         note="only managers assign"),
    Case("b.sales_manager", "a", inbox_lead_path("assign/"), 404, method="post", data={"consultant_id": "0"}),
    Case("a.sales_manager", "a", inbox_lead_path("assign/"), 302, method="post", data={"consultant_id": "0"}),
    # The push endpoint: a member of A reaches it (GET is not allowed), others do not learn it exists.
    Case("a.sales_consultant", "a", "/api/leads/intake/", 405),
    Case("b.sales_consultant", "a", "/api/leads/intake/", 404),
    Case("c.sales_manager", "a", "/api/leads/intake/", 404),
    Case(None, "a", "/api/leads/intake/", 401),
]
ROWS += [
    Case("a.sales_manager", "a", "/leads/settings/", 200),
    Case("a.sales_consultant", "a", "/leads/settings/", 404, note="only managers set routing and hooks"),
    Case("b.sales_manager", "a", "/leads/settings/", 404),
    Case(None, "a", "/leads/settings/", 302),
]
