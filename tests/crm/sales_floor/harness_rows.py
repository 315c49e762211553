"""Isolation rows for the sales-floor pages: booked test drives, appointments, the key-customer review."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django_tenants.utils import tenant_context

from tests.harness import Case

from ..fixtures import a_customer, customer_path


def _member(world: Any, key: str) -> Any:
    from tenants.models import StoreMembership

    return StoreMembership.objects.get(user=world.user(key), store=world.store_a)


def drive_path(suffix: str) -> Any:
    """/test-drives/<a booked drive of the harness customer>/<suffix>."""
    def path(world: Any) -> str:
        from django.utils import timezone

        from crm.models import TestDrive
        from crm.services import test_drive_create

        customer = a_customer(world)
        with tenant_context(world.store_a):
            drive = TestDrive.objects.filter(customer=customer, status="booked").first() or test_drive_create(
                member=_member(world, "a.sales_consultant"), customer=customer, model="途观L",
                driven_at=timezone.now() + timedelta(days=1), book=True)
        return f"/test-drives/{drive.pk}/{suffix}"

    path.__name__ = f"test-drives/<a>/{suffix}"
    return path


def appointment_path(suffix: str) -> Any:
    def path(world: Any) -> str:
        from django.utils import timezone

        from crm.models import Appointment
        from crm.services import appointment_book

        customer = a_customer(world)
        with tenant_context(world.store_a):
            appt = Appointment.objects.filter(customer=customer).first() or appointment_book(
                member=_member(world, "a.sales_consultant"), customer=customer, vehicle=customer.vehicles.first(),
                kind="maintenance", starts_at=timezone.now() + timedelta(days=2),
                advisor_id=world.user("a.service_advisor").pk)
        return f"/appointments/{appt.pk}/{suffix}"

    path.__name__ = f"appointments/<a>/{suffix}"
    return path


def _week_and_item(world: Any) -> tuple[Any, Any]:
    from crm.models import KeyReviewItem, Lead
    from crm.services.key_review import key_review_open_week

    customer = a_customer(world)
    with tenant_context(world.store_a):
        Lead.objects.filter(customer=customer).update(is_key=True)
        week = key_review_open_week(store_id=world.store_a.pk).week
        return week, KeyReviewItem.objects.get(week=week, lead__customer=customer)


def item_path(world: Any) -> str:
    return f"/key-customers/items/{_week_and_item(world)[1].pk}/"


def coach_path(world: Any) -> str:
    week, item = _week_and_item(world)
    return f"/key-customers/{week.pk}/coach/{item.consultant_id}/"


item_path.__name__ = "key-customers/items/<a>/"
coach_path.__name__ = "key-customers/<week>/coach/<consultant>/"

ROWS = []
for p in ("/appointments/", "/key-customers/"):
    ROWS += [
        Case("a.sales_consultant", "a", p, 200),
        Case("a.sales_manager", "a", p, 200),
        Case("b.general_manager", "a", p, 404, note="same group, other store"),
        Case("c.sales_consultant", "a", p, 404, note="other group"),
        Case("x.hq_admin", "a", p, 404, note="HQ is not store staff"),
        Case(None, "a", p, 302),
    ]
ROWS += [
    Case("a.service_advisor", "a", "/appointments/", 200),
    Case("a.customer_service", "a", "/key-customers/", 404, note="customer service does not manage leads"),
    Case("a.sales_manager", "a", "/key-customers/export.xlsx", 200),
    Case("a.sales_consultant", "a", "/key-customers/export.xlsx", 404, note="the review export is the manager's"),
    Case("b.sales_manager", "a", "/key-customers/export.xlsx", 404),
    Case("a.sales_manager", "a", "/key-customers/open/", 302, method="post"),
    Case("a.sales_consultant", "a", "/key-customers/open/", 404, method="post"),
    Case("b.sales_manager", "a", "/key-customers/open/", 404, method="post"),
    # A key customer's outcome: the owner and managers yes; a colleague and other stores no.
    Case("a.sales_consultant", "a", item_path, 400, method="post", data={"outcome": "postponed"},
         note="延期 without a reason: the form again"),
    Case("ab.sales_consultant", "a", item_path, 404, method="post", data={"outcome": "postponed", "reason": "x"}),
    Case("b.sales_manager", "a", item_path, 404, method="post", data={"outcome": "postponed", "reason": "x"}),
    Case("a.sales_manager", "a", coach_path, 302, method="post", data={"comment": "多邀约试驾"}),
    Case("a.sales_consultant", "a", coach_path, 404, method="post", data={"comment": "x"}),
    Case("b.sales_manager", "a", coach_path, 404, method="post", data={"comment": "x"}),
    # Booking a service appointment on a customer's file.
    Case("a.sales_consultant", "a", customer_path("appointments/"), 400, method="post", data={},
         note="an empty form: every error at its field"),
    Case("ab.sales_consultant", "a", customer_path("appointments/"), 404, method="post", data={}),
    Case("b.general_manager", "a", customer_path("appointments/"), 404, method="post", data={}),
    Case(None, "a", customer_path("appointments/"), 302, method="post", data={}),
    # A booked test drive kept or missed.
    Case("a.sales_consultant", "a", drive_path("keep/"), 400, method="post", data={},
         note="allowed; the licence not checked: the 360° page again with the error at the field"),
    Case("ab.sales_consultant", "a", drive_path("keep/"), 404, method="post", data={"licence_checked": "on"}),
    Case("b.general_manager", "a", drive_path("no-show/"), 404, method="post", data={}),
    # Appointment check-in / no-show: service staff of this store.
    Case("a.service_advisor", "a", appointment_path("no-show/"), 302, method="post",
         note="too early: refused with a message"),
    Case("a.sales_consultant", "a", appointment_path("arrive/"), 404, method="post",
         note="checking cars in is the service desk's"),
    Case("b.general_manager", "a", appointment_path("arrive/"), 404, method="post"),
    Case("c.service_advisor", "a", appointment_path("arrive/"), 404, method="post", note="other group"),
]
