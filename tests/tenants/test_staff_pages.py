"""员工管理 pages: invite with the link shown, bad input kept at its field, resend/revoke, role change."""

from __future__ import annotations

from typing import Any

from tenants.models import Invitation, StoreMembership
from tests.conftest import client_for
from tests.world import World


def test_the_gm_invites_from_the_page_and_sees_the_link(world: World, db: Any) -> None:
    gm = client_for(world.user("a.general_manager"), world.host(world.store_a))
    response = gm.post("/staff/", {"name": "李顾问", "mobile": "139 0100 1003", "role": "sales_consultant"})
    page = response.content.decode()
    invitation = Invitation.objects.get(store=world.store_a, mobile="13901001003")
    assert response.status_code == 200 and f"/invite/{invitation.token}/" in page
    assert "139 0100 1003" in page  # the pending invitation, phone as staff read it


def test_a_bad_mobile_is_shown_at_its_field_and_keeps_what_was_typed(world: World, db: Any) -> None:
    gm = client_for(world.user("a.general_manager"), world.host(world.store_a))
    response = gm.post("/staff/", {"name": "李顾问", "mobile": "1390100", "role": "sales_consultant"})
    page = response.content.decode()
    assert response.status_code == 400 and "手机号格式不正确" in page and 'value="李顾问"' in page
    assert not Invitation.objects.filter(store=world.store_a, name="李顾问").exists()


def test_the_hq_admin_invites_into_a_store_of_the_group_and_revokes(world: World, db: Any) -> None:
    hq = client_for(world.user("x.hq_admin"))
    hq.post(f"/hq/stores/{world.store_b.pk}/staff/", {"name": "周客服", "mobile": "13901002006",
                                                      "role": "customer_service"})
    invitation = Invitation.objects.get(store=world.store_b, mobile="13901002006")
    assert hq.post(f"/hq/stores/{world.store_b.pk}/staff/invitations/{invitation.pk}/revoke/").status_code == 302
    assert Invitation.objects.get(pk=invitation.pk).revoked_at is not None
    # The GM of store A cannot revoke store B's invitation from A's domain.
    gm = client_for(world.user("a.general_manager"), world.host(world.store_a))
    assert gm.post(f"/staff/invitations/{invitation.pk}/resend/").status_code == 404


def test_the_gm_changes_a_role_from_the_page(world: World, db: Any) -> None:
    gm = client_for(world.user("a.general_manager"), world.host(world.store_a))
    m = StoreMembership.objects.get(user=world.user("a.service_advisor"), store=world.store_a)
    assert gm.post(f"/staff/{m.pk}/role/", {"role": "service_manager"}).status_code == 302
    assert StoreMembership.objects.get(pk=m.pk).role == "service_manager"
    b_member = StoreMembership.objects.get(user=world.user("b.service_advisor"), store=world.store_b)
    assert gm.post(f"/staff/{b_member.pk}/role/", {"role": "service_manager"}).status_code == 404


def test_a_bad_mobile_and_a_missing_role_are_shown_together(world: World, db: Any) -> None:
    gm = client_for(world.user("a.general_manager"), world.host(world.store_a))
    page = gm.post("/staff/", {"name": "李顾问", "mobile": "1390100", "role": ""}).content.decode()
    assert "手机号格式不正确" in page and "必填项" in page
