"""A long import runs as the Celery task in a real worker, and the page shows it reaching done.

No `db` fixture: the worker only sees committed data, so this test commits its own and deletes it
afterwards from store A's schema.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from crm.demo import make_vin
from crm.models import Customer, ImportJob, Vehicle
from crm.views.imports import INLINE_LIMIT
from tests.conftest import client_for, wait_for
from tests.world import World

FILENAME = "celery-long-import.csv"
PREFIX = "1375"  # this test's phone numbers: 1375xxxxxxx, used by no other test
CUSTOMERS = INLINE_LIMIT + 100  # more valid rows than the request imports itself
WITH_CAR = 250  # the first rows also bring a vehicle


def _csv() -> bytes:
    rnd = random.Random(20260501)
    lines = ["姓名,手机号,车架号,车牌号,品牌,车型,购车日期"]
    for i in range(CUSTOMERS):
        vin = make_vin(rnd, 770000 + i) if i < WITH_CAR else ""
        plate = f"浙K{i:05d}" if i < WITH_CAR else ""
        lines.append(f"导入客户{i},{PREFIX}{i:07d},{vin},{plate},上汽大众,朗逸,2023-06-01")
    lines.append("坏号码,12345,,,,,")  # one bad row: reported, not imported
    lines.append(f"重复号码,{PREFIX}{0:07d},,,,,")  # same phone as line 2 without a car
    return ("\n".join(lines) + "\n").encode()


def _forget(store: Any) -> None:
    with tenant_context(store):
        Vehicle.objects.filter(owner__mobile__startswith=PREFIX).delete()  # ownerships go with the cars
        Customer.objects.filter(mobile__startswith=PREFIX).delete()
        ImportJob.objects.filter(filename=FILENAME).delete()


@pytest.fixture
def committed(world: World, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock():
        _forget(world.store_a)
        try:
            yield
        finally:
            _forget(world.store_a)


def test_a_long_import_runs_in_the_worker_and_reaches_done(world: World, celery_worker: Any,
                                                            committed: None) -> None:
    client = client_for(world.user("a.sales_manager"), world.host(world.store_a))
    response = client.post("/customers/import/", {"file": SimpleUploadedFile(FILENAME, _csv())})
    job_url = response["Location"]
    preview = client.get(job_url).content.decode()
    assert f"导入 {CUSTOMERS} 行有效数据" in preview and "手机号格式不正确" in preview and "与第 2 行重复" in preview

    confirmed = client.post(job_url + "confirm/")

    assert confirmed.status_code == 302
    with tenant_context(world.store_a):
        job = ImportJob.objects.get(filename=FILENAME)
        assert job.valid_rows == CUSTOMERS > INLINE_LIMIT
        assert job.status in ("queued", "running", "done")  # handed to the worker, not run in the request

        def finished() -> ImportJob | None:
            current = ImportJob.objects.defer("content").get(pk=job.pk)
            return current if current.status in ("done", "failed") else None

        done = wait_for(finished, timeout=90, what="the import job to finish in the worker")
        assert (done.status, done.processed, done.created_customers, done.created_vehicles) == (
            "done", CUSTOMERS, CUSTOMERS, WITH_CAR)
        assert Customer.objects.filter(mobile__startswith=PREFIX, source="import").count() == CUSTOMERS
        assert Vehicle.objects.filter(owner__mobile__startswith=PREFIX).count() == WITH_CAR
        assert Customer.objects.filter(mobile__startswith=PREFIX, lifecycle="owner").count() == WITH_CAR
    page = client.get(job_url).content.decode()
    assert f"新增客户 {CUSTOMERS} 位，新增车辆 {WITH_CAR} 辆" in page
    assert f"{CUSTOMERS} / {CUSTOMERS}" in page and "hx-trigger" not in page  # the bar is full and stops polling
