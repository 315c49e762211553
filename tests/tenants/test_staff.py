"""员工管理: invitations bound to a mobile, once only (even concurrently), resend/revoke/expiry, roles,
deactivation that ends sessions and tokens at once, and the account events each step records."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.db import connections
from django.utils import timezone

from tenants.errors import Conflict, DomainError, NotFound
from tenants.models import AccountEvent, ApiToken, Invitation, StoreMembership, User
from tenants.roles import StoreRole
from tenants.services.accounts import api_token_issue, invitation_accept
from tenants.services.staff import (
    invitation_resend,
    invitation_revoke,
    member_deactivate,
    member_set_role,
    staff_invite,
)
from tests.conftest import client_for
from tests.world import PASSWORD, World

NOW = "2026-12-01 10:00:00+08:00"
NEW_PASSWORD = "Lan-Hua-Jie-2026!"



def _fresh(world: World, key: str) -> User:
    """A copy of a world user: the session-wide world object must not see this test's changes."""
    return User.objects.get(pk=world.user(key).pk)

def _invite(world: World, mobile: str = "139 0100 1003", role: str = StoreRole.SALES_CONSULTANT,
            actor: str = "a.general_manager", store: Any = None) -> Invitation:
    return staff_invite(actor=world.user(actor), store=store or world.store_a, name="李顾问", mobile=mobile, role=role)


def test_the_gm_invites_by_mobile_and_the_invitee_joins_with_a_new_account(world: World, db: Any) -> None:
    invitation = _invite(world, mobile="+86 139 0100 1003")
    assert invitation.mobile == "13901001003"  # normalised: spaces and +86 removed
    user = invitation_accept(token=str(invitation.token), name="李顾问", password=NEW_PASSWORD)
    assert user.mobile == "13901001003"
    membership = StoreMembership.objects.get(user=user, store=world.store_a)
    assert (membership.role, membership.is_active) == (StoreRole.SALES_CONSULTANT, True)
    kinds = list(AccountEvent.objects.filter(store=world.store_a).values_list("kind", flat=True))
    assert {"invitation_sent", "invitation_accepted"} <= set(kinds)


def test_the_invitation_sms_goes_through_the_log_provider(world: World, db: Any, caplog: Any,
                                                          django_capture_on_commit_callbacks: Any) -> None:
    with caplog.at_level("INFO", logger="tenants.messaging"), django_capture_on_commit_callbacks(execute=True):
        invitation = _invite(world)
    text = caplog.text
    assert "139****1003" in text and f"/invite/{invitation.token}/" in text and "A店" in text


def test_an_hq_admin_invites_into_any_store_of_the_group_but_not_another_group(world: World, db: Any) -> None:
    assert _invite(world, actor="x.hq_admin", store=world.store_b).store_id == world.store_b.pk
    with pytest.raises(NotFound):
        _invite(world, actor="x.hq_admin", store=world.store_c)
    with pytest.raises(NotFound):
        _invite(world, actor="a.general_manager", store=world.store_b)  # GM of A is nobody at B
    with pytest.raises(NotFound):
        _invite(world, actor="a.sales_manager")  # only the GM manages staff


def test_bad_invitation_input_is_refused_at_its_field(world: World, db: Any) -> None:
    with pytest.raises(DomainError) as err:
        _invite(world, mobile="12345")
    assert err.value.field == "mobile"
    with pytest.raises(Conflict) as err:
        _invite(world, mobile=world.user("a.sales_consultant").mobile)
    assert err.value.field == "mobile" and "在职" in err.value.message
    _invite(world)
    with pytest.raises(Conflict) as err:
        _invite(world, mobile="13901001003")
    assert "重发" in err.value.message


def test_an_invitation_is_used_once(world: World, db: Any) -> None:
    invitation = _invite(world)
    invitation_accept(token=str(invitation.token), name="李顾问", password=NEW_PASSWORD)
    with pytest.raises(NotFound):
        invitation_accept(token=str(invitation.token), name="别人", password=NEW_PASSWORD)


def test_an_invitation_is_bound_to_the_invited_mobile(world: World, db: Any) -> None:
    invitation = _invite(world)
    other = world.user("b.sales_consultant")  # signed in, but not the invited number
    with pytest.raises(DomainError) as err:
        invitation_accept(token=str(invitation.token), user=other)
    assert "另一个手机号" in err.value.message
    assert not StoreMembership.objects.filter(user=other, store=world.store_a).exists()
    assert Invitation.objects.get(pk=invitation.pk).accepted_at is None


def test_a_person_of_another_store_joins_a_second_store_of_the_group(world: World, db: Any) -> None:
    person = world.user("b.customer_service")
    invitation = _invite(world, mobile=person.mobile, role=StoreRole.CUSTOMER_SERVICE)
    # Not signed in: the number has an account, so they are told to sign in first.
    with pytest.raises(Conflict):
        invitation_accept(token=str(invitation.token), name="x", password=NEW_PASSWORD)
    invitation_accept(token=str(invitation.token), user=person)
    assert set(StoreMembership.objects.filter(user=person, is_active=True).values_list("store__slug", flat=True)) == {
        "store-a", "store-b"}


def test_an_expired_invitation_is_refused_and_a_resend_gives_a_fresh_link(world: World, db: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        invitation = _invite(world)
    old_token = str(invitation.token)
    with time_machine.travel("2026-12-08 10:00:01+08:00", tick=False):  # 7 days and 1 second later
        with pytest.raises(NotFound):
            invitation_accept(token=old_token, name="李顾问", password=NEW_PASSWORD)
        fresh = invitation_resend(actor=world.user("a.general_manager"), store=world.store_a,
                                  invitation_id=invitation.pk)
        assert fresh.sent_count == 2 and str(fresh.token) != old_token
        assert fresh.expires_at == timezone.now() + timedelta(days=7)
        with pytest.raises(NotFound):
            invitation_accept(token=old_token, name="李顾问", password=NEW_PASSWORD)  # the old link died
        invitation_accept(token=str(fresh.token), name="李顾问", password=NEW_PASSWORD)


def test_a_revoked_invitation_is_refused(world: World, db: Any) -> None:
    invitation = _invite(world)
    invitation_revoke(actor=world.user("a.general_manager"), store=world.store_a, invitation_id=invitation.pk)
    with pytest.raises(NotFound):
        invitation_accept(token=str(invitation.token), name="李顾问", password=NEW_PASSWORD)
    with pytest.raises(Conflict):
        invitation_resend(actor=world.user("a.general_manager"), store=world.store_a, invitation_id=invitation.pk)
    with pytest.raises(NotFound):  # GM of store C cannot touch store A's invitation
        invitation_revoke(actor=world.user("c.general_manager"), store=world.store_a, invitation_id=invitation.pk)


# ---------------------------------------------------------------- once, even concurrently

@pytest.fixture
def committed_invitation(world: World, django_db_blocker: Any) -> Iterator[Invitation]:
    """An invitation committed for real, so two threads on two connections can race for it."""
    with django_db_blocker.unblock():
        mobile = "13901009977"
        User.objects.filter(mobile=mobile).delete()
        invitation = _invite(world, mobile=mobile)
        try:
            yield invitation
        finally:
            StoreMembership.objects.filter(user__mobile=mobile).delete()
            AccountEvent.objects.filter(subject__mobile=mobile).delete()
            User.objects.filter(mobile=mobile).delete()
            invitation.delete()


def test_two_concurrent_accepts_make_one_account_and_one_membership(
        world: World, committed_invitation: Invitation) -> None:
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def accept() -> None:
        try:
            barrier.wait()
            invitation_accept(token=str(committed_invitation.token), name="李顾问", password=NEW_PASSWORD)
            outcomes.append("ok")
        except DomainError as exc:
            outcomes.append(type(exc).__name__)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes) == ["NotFound", "ok"]
    assert User.objects.filter(mobile="13901009977").count() == 1
    assert StoreMembership.objects.filter(user__mobile="13901009977", store=world.store_a).count() == 1


# ---------------------------------------------------------------- roles and deactivation

def test_a_role_change_applies_on_the_next_request(world: World, db: Any) -> None:
    cs = _fresh(world, "a.customer_service")
    client = client_for(cs, world.host(world.store_a))
    assert client.get("/aftersales/visits/").status_code == 200
    membership = StoreMembership.objects.get(user=cs, store=world.store_a)
    member_set_role(actor=world.user("a.general_manager"), store=world.store_a, membership_id=membership.pk,
                    role=StoreRole.SALES_CONSULTANT)
    assert client.get("/aftersales/visits/").status_code == 404
    event = AccountEvent.objects.get(kind="role_changed", subject=cs)
    assert event.detail == {"from": "customer_service", "to": "sales_consultant"}


def test_the_last_gm_cannot_be_demoted(world: World, db: Any) -> None:
    gm = StoreMembership.objects.get(user=world.user("a.general_manager"), store=world.store_a)
    with pytest.raises(DomainError):
        member_set_role(actor=world.user("x.hq_admin"), store=world.store_a, membership_id=gm.pk,
                        role=StoreRole.SALES_MANAGER)


def test_deactivation_ends_sessions_and_tokens_at_once(world: World, db: Any) -> None:
    advisor = _fresh(world, "a.service_advisor")  # owns nothing: no successor needed
    membership = StoreMembership.objects.get(user=advisor, store=world.store_a)
    client = client_for(advisor, world.host(world.store_a))
    _token, key = api_token_issue(user=advisor, store=world.store_a)
    api = client_for(None, world.host(world.store_a))
    assert client.get("/").status_code == 200
    assert api.get("/api/me/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200

    member_deactivate(actor=world.user("a.general_manager"), store=world.store_a, membership_id=membership.pk)

    assert client.get("/").status_code == 302  # the session ended: sent to sign in
    assert api.get("/api/me/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401
    assert ApiToken.objects.get(user=advisor, store=world.store_a).revoked_at is not None
    advisor.refresh_from_db()  # the new session epoch
    fresh = client_for(advisor, world.host(world.store_a))  # even signed in again: not a member here
    assert fresh.get("/").status_code == 404
    assert AccountEvent.objects.filter(kind="member_deactivated", subject=advisor, store=world.store_a).exists()


def test_nobody_deactivates_themselves_or_a_member_of_another_store(world: World, db: Any) -> None:
    gm = StoreMembership.objects.get(user=world.user("a.general_manager"), store=world.store_a)
    with pytest.raises(DomainError):
        member_deactivate(actor=world.user("a.general_manager"), store=world.store_a, membership_id=gm.pk)
    b_member = StoreMembership.objects.get(user=world.user("b.service_advisor"), store=world.store_b)
    with pytest.raises(NotFound):
        member_deactivate(actor=world.user("a.general_manager"), store=world.store_a, membership_id=b_member.pk)
    with pytest.raises(NotFound):
        member_deactivate(actor=world.user("a.general_manager"), store=world.store_b, membership_id=b_member.pk)
    assert StoreMembership.objects.get(pk=b_member.pk).is_active


def test_the_accept_page_refuses_another_signed_in_user(world: World, db: Any) -> None:
    invitation = _invite(world)
    client = client_for(world.user("b.sales_consultant"))
    response = client.post(f"/invite/{invitation.token}/")
    assert response.status_code == 200 and "另一个手机号" in response.content.decode()
    _ = PASSWORD
