"""Records the harness rows and page tests open: one customer of A's consultant, with a car and a lead."""

from __future__ import annotations

from typing import Any

from django_tenants.utils import tenant_context

from tenants.models import StoreMembership

HARNESS_MOBILE = "13911112222"


def a_customer(world: Any) -> Any:
    """A customer of store A owned by a.sales_consultant (created once per test transaction)."""
    from crm import services
    from crm.models import Customer

    with tenant_context(world.store_a):
        existing = Customer.objects.filter(mobile=HARNESS_MOBILE).first()
        if existing is not None:
            return existing
        m = StoreMembership.objects.get(user=world.user("a.sales_consultant"), store=world.store_a)
        r = services.reception_create(member=m, mobile=HARNESS_MOBILE, name="王小明", grade="A",
                                      models_of_interest="途观L")
        services.vehicle_create(customer=r.customer, vin="LSVAB2BR6MN000001", plate="浙AD12345", km=1200)
        return r.customer


def customer_path(suffix: str = "") -> Any:
    def path(world: Any) -> str:
        return f"/customers/{a_customer(world).pk}/{suffix}"

    path.__name__ = f"customers/<a>/{suffix}"
    return path


def vehicle_path(suffix: str = "transfer/") -> Any:
    """/customers/<a>/vehicles/<its car>/<suffix> for the harness customer's vehicle."""
    def path(world: Any) -> str:
        from crm.models import Vehicle

        customer = a_customer(world)
        with tenant_context(world.store_a):
            vehicle = Vehicle.objects.filter(owner=customer).first()
        assert vehicle is not None
        return f"/customers/{customer.pk}/vehicles/{vehicle.pk}/{suffix}"

    path.__name__ = f"customers/<a>/vehicles/<v>/{suffix}"
    return path


def lead_path(suffix: str) -> Any:
    def path(world: Any) -> str:
        from crm.models import Lead

        customer = a_customer(world)
        with tenant_context(world.store_a):
            lead = Lead.objects.filter(customer=customer).first()
        assert lead is not None
        return f"/leads/{lead.pk}/{suffix}"

    path.__name__ = f"leads/<a>/{suffix}"
    return path


def api_customer_path(world: Any) -> str:
    return f"/api/customers/{a_customer(world).pk}/"


def car_path(suffix: str = "") -> Any:
    """/vehicles/<the harness customer's car>/<suffix> (一车一档)."""
    def path(world: Any) -> str:
        from crm.models import Vehicle

        customer = a_customer(world)
        with tenant_context(world.store_a):
            vehicle = Vehicle.objects.filter(owner=customer).first()
        assert vehicle is not None
        return f"/vehicles/{vehicle.pk}/{suffix}"

    path.__name__ = f"vehicles/<v>/{suffix}"
    return path


def car_document_path(suffix: str = "") -> Any:
    """/vehicles/<car>/documents/<a PDF uploaded by A's consultant>/<suffix>."""
    def path(world: Any) -> str:
        from django.core.files.uploadedfile import SimpleUploadedFile

        from crm import services
        from crm.models import Vehicle, VehicleDocument

        customer = a_customer(world)
        with tenant_context(world.store_a):
            vehicle = Vehicle.objects.get(owner=customer)
            doc = VehicleDocument.objects.filter(vehicle=vehicle).first()
            if doc is None:
                m = StoreMembership.objects.get(user=world.user("a.sales_consultant"), store=world.store_a)
                doc = services.vehicle_document_upload(
                    member=m, vehicle=vehicle, kind="contract",
                    upload=SimpleUploadedFile("合同.pdf", b"%PDF-1.4\n%%EOF\n"))
        return f"/vehicles/{vehicle.pk}/documents/{doc.pk}/{suffix}"

    path.__name__ = f"vehicles/<v>/documents/<d>/{suffix}"
    return path
