"""English mode on the complaint flow: a move the complaint's state does not allow, a missing intake fact
and an unknown survey question are refused in English (the page and the API)."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from crm.models.aftersales import Complaint
from tests.conftest import client_for

from .conftest import customer, return_visit
from .test_pages_and_api import _Back


def _en(world: Any, key: str = "a.customer_service") -> Any:
    client = client_for(world.user(key), world.host(world.store_a))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return _Back(client, world.store_a)


def test_complaint_refusals_speak_english(store_a: Any, world: Any) -> None:
    c = customer()
    client = _en(world)
    unread = client.post("/aftersales/complaints/new/", {"customer": c.pk, "channel": "phone", "description": "x",
                                                         "expected_resolution": "y", "contact_phone": c.mobile})
    body = unread.content.decode()
    assert unread.status_code == 400
    assert "Read the complaint back to the customer and confirm it before submitting." in body
    assert "复述" not in body
    client.post("/aftersales/complaints/new/", {"customer": c.pk, "channel": "phone", "description": "等太久",
                                                "expected_resolution": "道歉", "contact_phone": c.mobile,
                                                "read_back_confirmed": "on"})
    complaint = Complaint.objects.get(customer=c)
    refused = client.post(f"/aftersales/complaints/{complaint.pk}/transition/", {"action": "close",
                                                                                 "satisfaction": "satisfied"})
    body = refused.content.decode()
    assert refused.status_code == 400
    assert '&quot;Close (record the customer&#x27;s satisfaction)&quot; is not possible now.' in body
    assert "不能执行" not in body
    api = client.post(f"/api/aftersales/complaints/{complaint.pk}/transition/", {"action": "agree"},
                      content_type="application/json")
    assert api.status_code == 400
    assert api.json()["detail"] == ('The complaint is "Received"; "Customer accepts the solution" is not possible now.')


def test_an_unknown_survey_question_is_refused_in_english(store_a: Any, world: Any) -> None:
    v = return_visit()
    unknown = _en(world).post(f"/api/aftersales/return-visits/{v.pk}/record/", {
        "outcome": "completed", "person_called": "owner", "answers": {"wifi": {"value": "yes"}}},
        content_type="application/json")
    assert unknown.status_code == 400
    assert unknown.json()["detail"].startswith('Question "wifi" is not in return-visit survey v1')
