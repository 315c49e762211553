"""PIPL on the after-sales screens: the call screen and the complaint show the number masked; 显示号码 reveals
the visit's or the complaint's own number, recorded; another customer's record is refused, nothing recorded."""

from __future__ import annotations

from typing import Any

from django_tenants.utils import tenant_context

from crm.models import AccessAction, PersonalDataAccess
from tenants.validators import mask_cn_mobile
from tests.conftest import client_for
from tests.world import World

from .conftest import customer, return_visit, submitted_complaint


def _rows(world: World) -> list[PersonalDataAccess]:
    """The store's log (a test client's request leaves the connection on the public schema)."""
    with tenant_context(world.store_a):
        return list(PersonalDataAccess.objects.order_by("pk"))


def _cs(world: World) -> Any:
    return client_for(world.user("a.customer_service"), world.host(world.store_a))


def test_the_call_screen_masks_and_reveals_the_visits_number(world: World, store_a: Any) -> None:
    c = customer()
    v = return_visit(c)
    other = return_visit(customer())
    client = _cs(world)
    body = client.get(f"/aftersales/visits/{v.pk}/").content.decode()
    assert mask_cn_mobile(c.mobile) in body and c.mobile not in body and "显示号码" in body
    queue = client.get("/aftersales/visits/").content.decode()
    assert c.mobile not in queue
    api = client.get(f"/api/aftersales/return-visits/{v.pk}/").json()
    assert api["number_masked"] == mask_cn_mobile(c.mobile) and c.mobile not in str(api)
    response = client.post(f"/customers/{c.pk}/reveal/", {"field": "visit_number", "ref": v.pk})
    assert response.status_code == 200 and f"tel:{c.mobile}" in response.content.decode()
    row = _rows(world)[-1]
    assert row.action == AccessAction.REVEAL
    assert (row.customer_ids, row.fields, row.detail) == ([c.pk], ["return_visit.number"], f"#{v.pk}")
    before = len(_rows(world))
    # Another customer's visit named under this customer: refused like an unknown field, nothing recorded.
    assert client.post(f"/customers/{c.pk}/reveal/", {"field": "visit_number", "ref": other.pk}).status_code == 400
    assert client.post(f"/customers/{c.pk}/reveal/", {"field": "visit_number"}).status_code == 400
    assert len(_rows(world)) == before


def test_the_complaint_masks_its_contact_number_everywhere(world: World, store_a: Any, m: Any) -> None:
    complaint = submitted_complaint(m("a.customer_service"))
    phone, customer_id = complaint.contact_phone, complaint.customer_id
    client = _cs(world)
    for path in (f"/aftersales/complaints/{complaint.pk}/", f"/aftersales/complaints/{complaint.pk}/print/"):
        body = client.get(path).content.decode()
        assert mask_cn_mobile(phone) in body and phone not in body, path
    api = client.get(f"/api/aftersales/complaints/{complaint.pk}/")
    assert api.status_code == 200
    assert phone not in str(api.json()) and api.json()["contact_phone_masked"] == mask_cn_mobile(phone)
    response = client.post(f"/customers/{customer_id}/reveal/",
                           {"field": "complaint_phone", "ref": complaint.pk})
    assert response.status_code == 200 and phone in response.content.decode()
    assert _rows(world)[-1].fields == ["complaint.contact_phone"]
