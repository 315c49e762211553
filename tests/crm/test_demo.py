"""Demo data: valid identifiers, vehicles with mileage, funnel records, classes computed."""

from __future__ import annotations

from typing import Any

from django_tenants.utils import tenant_context

from crm.demo import populate_store
from crm.models import Customer, Lead, ServiceVisit, Vehicle
from crm.validators import clean_mobile, clean_plate, clean_vin


def test_demo_data_is_valid_and_classified(world: Any, db: Any) -> None:
    with tenant_context(world.store_c):
        populate_store(store=world.store_c, customers=60, seed=3)
        assert Customer.objects.count() == 60 and Vehicle.objects.count() == 90
        for v in Vehicle.objects.all():
            assert clean_vin(v.vin) == v.vin and clean_plate(v.plate) == v.plate
        for c in Customer.objects.all():
            assert clean_mobile(c.mobile) == c.mobile
        assert ServiceVisit.objects.exists() and Lead.objects.exists()
        assert Vehicle.objects.exclude(last_km=None).exists()
        assert Customer.objects.exclude(value_class="").exists()
