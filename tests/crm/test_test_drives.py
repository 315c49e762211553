"""试乘试驾 from the 360° page: model, time, licence checked, feedback; bad input writes nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from crm.models import Lead
from crm.models import TestDrive as Drive  # not `Test*`: pytest would try to collect it
from tests.conftest import client_for

from .fixtures import a_customer


def _client(world: Any, key: str = "a.sales_consultant") -> Any:
    return client_for(world.user(key), world.host(world.store_a))


def _local(delta: timedelta) -> str:
    """A datetime-local field's value (what the browser sends), `delta` from now."""
    return timezone.localtime(timezone.now() + delta).strftime("%Y-%m-%dT%H:%M")


def test_the_360_page_has_the_test_drive_form_with_the_model_of_interest(world: Any, db: Any) -> None:
    customer = a_customer(world)
    body = _client(world).get(f"/customers/{customer.pk}/").content.decode()
    form = body.split('id="test-drive-form"')[1].split("</form>")[0]
    assert 'name="model"' in form and 'value="途观L"' in form
    assert 'name="driven_at"' in form and 'name="licence_checked"' in form and 'name="feedback"' in form


def test_a_test_drive_is_recorded_on_the_lead_and_shown_on_the_timeline(world: Any, db: Any) -> None:
    customer = a_customer(world)
    with tenant_context(world.store_a):
        lead = Lead.objects.get(customer=customer)
    client = _client(world)

    response = client.post(f"/customers/{customer.pk}/test-drives/", {
        "model": "途观L 380TSI", "lead": str(lead.pk), "driven_at": _local(-timedelta(hours=1)),
        "licence_checked": "on", "feedback": "动力满意，后排空间大"}, follow=True)

    body = response.content.decode()
    assert "试驾已登记" in body and "试乘试驾" in body and "途观L 380TSI 动力满意，后排空间大" in body
    with tenant_context(world.store_a):
        drive = Drive.objects.get(customer=customer)
        assert (drive.lead_id, drive.licence_checked, drive.consultant_id) == (
            lead.pk, True, world.user("a.sales_consultant").pk)
        assert timezone.now() - timedelta(hours=1, minutes=2) < drive.driven_at < timezone.now()


@pytest.mark.parametrize(("form", "message"), [
    ({"model": "途观L", "licence_checked": "on", "driven_at": "FUTURE"}, "试驾时间不能晚于现在"),
    ({"model": "", "licence_checked": "on"}, "请填写试驾车型"),
    ({"model": "   ", "licence_checked": "on"}, "请填写试驾车型"),
    ({"model": "途观L"}, "试驾前必须核验客户驾驶证"),
    ({"model": "途观L", "licence_checked": "on", "driven_at": "明天下午"}, "试驾时间格式不正确"),
])
def test_bad_input_gets_a_message_and_writes_nothing(world: Any, db: Any, form: dict[str, str],
                                                      message: str) -> None:
    customer = a_customer(world)
    if form.get("driven_at") == "FUTURE":
        form = {**form, "driven_at": _local(timedelta(days=1))}

    body = _client(world).post(f"/customers/{customer.pk}/test-drives/", form, follow=True).content.decode()

    assert message in body
    with tenant_context(world.store_a):
        assert not Drive.objects.filter(customer=customer).exists()


def test_a_lead_of_another_customer_is_refused(world: Any, db: Any, member: Any) -> None:
    from crm import services

    customer = a_customer(world)
    with tenant_context(world.store_a):
        other = services.customer_create(member=member("a.sales_consultant"), name="钱七", mobile="13900000402")
        other_lead = services.lead_create(member=member("a.sales_consultant"), customer=other, grade="B")
    body = _client(world).post(f"/customers/{customer.pk}/test-drives/", {
        "model": "途观L", "licence_checked": "on", "lead": str(other_lead.pk)}, follow=True).content.decode()
    assert "线索不属于该客户" in body
    with tenant_context(world.store_a):
        assert not Drive.objects.exists()
