"""The nightly retention job in a real Celery worker: beat's task fans out through tenants.fanout into every
active store's schema; in store A the customer whose last contact is years old is anonymised, and every store
gets its run's report. No `db` fixture: the worker only sees committed data, so the test commits its own and
removes it afterwards."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django_tenants.utils import tenant_context

from crm.models import Anonymisation, Customer, RetentionRun
from tests.conftest import wait_for
from tests.world import World

MOBILE = "13755500001"  # used by no other test


def _forget(world: World) -> None:
    for store in (world.store_a, world.store_b, world.store_c):
        with tenant_context(store):
            RetentionRun.objects.all().delete()
            ids = list(Anonymisation.objects.filter(reason__contains="保存期限").values_list("customer_id", flat=True))
            ids += list(Customer.objects.filter(mobile=MOBILE).values_list("pk", flat=True))
            Anonymisation.objects.filter(customer_id__in=ids).delete()
            Customer.objects.filter(pk__in=ids).delete()


@pytest.fixture
def committed(world: World, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock():
        _forget(world)
        try:
            yield
        finally:
            _forget(world)


def test_the_nightly_job_fans_out_and_anonymises_in_the_worker(world: World, celery_worker: Any,
                                                                committed: None) -> None:
    from tenants.fanout import Work, stores_for
    from tenants.tasks import fan_out_to_stores

    with tenant_context(world.store_a):
        old = Customer.objects.create(name="多年未联系", mobile=MOBILE, notes="旧备注",
                                      created_at=dt.datetime(2019, 5, 1, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    # What beat sends (settings.CELERY_BEAT_SCHEDULE["crm-personal-info-retention-nightly"]), without the spread.
    fan_out_to_stores.delay("crm.tasks.personal_info_retention_nightly", 0)
    active = stores_for(Work.OUTBOUND)

    def every_store_reported() -> bool:
        done = 0
        for ref in active:
            with tenant_context(type(world.store_a).objects.get(pk=ref.pk)):
                done += RetentionRun.objects.filter(finished_at__isnull=False).exists()
        return done == len(active)

    wait_for(every_store_reported, timeout=90, what="a finished retention run in every active store")
    with tenant_context(world.store_a):
        old.refresh_from_db()
        assert old.anonymised_at is not None and old.notes == "" and old.name == "已匿名化客户"
        run = RetentionRun.objects.get()
        assert run.anonymised >= 1 and run.retention_years == 3
        assert Anonymisation.objects.get(customer=old).by_user_id is None
