"""Sign-in by mobile or e-mail, hardened: strong hashing, password rules, throttling, expiry."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from tenants.errors import DomainError
from tenants.services.accounts import invitation_accept, user_create
from tenants.services.onboarding import store_onboard
from tests.world import PASSWORD, World


def _signin(login: str, password: str, ip: str = "10.0.0.1") -> Any:
    return Client(HTTP_HOST="localhost", REMOTE_ADDR=ip).post("/signin/", {"username": login, "password": password})


def test_sign_in_with_mobile_or_email(world: World, db: Any) -> None:
    user = world.user("x.hq_admin")
    assert _signin(user.mobile, PASSWORD).status_code == 302
    assert _signin(f"+86 {user.mobile[:3]} {user.mobile[3:7]} {user.mobile[7:]}", PASSWORD).status_code == 302
    assert _signin(user.email.upper(), PASSWORD).status_code == 302


def test_a_wrong_password_gets_one_message_for_unknown_and_wrong(world: World, db: Any) -> None:
    wrong = _signin(world.user("x.hq_admin").mobile, "nope-nope-nope")
    unknown = _signin("13000000000", "nope-nope-nope")
    assert wrong.status_code == unknown.status_code == 200
    assert "手机号/邮箱或密码不正确" in wrong.content.decode()
    assert "手机号/邮箱或密码不正确" in unknown.content.decode()


def test_failed_sign_ins_are_throttled_per_account(world: World, db: Any) -> None:
    login = world.user("a.sales_manager").mobile
    for i in range(settings.AXES_FAILURE_LIMIT):  # the account at one address (tests/tenants/test_throttle.py)
        _signin(login, f"wrong-password-{i}", ip="10.1.0.1")
    locked = _signin(login, PASSWORD, ip="10.1.0.1")
    assert locked.status_code == 429
    assert "锁定" in locked.content.decode()


def test_failed_sign_ins_from_one_address_lock_it_only_at_the_much_higher_limit(world: World, db: Any,
                                                                            settings: Any) -> None:
    settings.ADDRESS_FAILURE_LIMIT = 12  # the real default is 100; the rule is the same
    for i in range(12):
        _signin(f"1300000{i:04d}", "wrong-password-x", ip="10.2.0.1")
    assert _signin(world.user("b.sales_manager").mobile, PASSWORD, ip="10.2.0.1").status_code == 429
    assert _signin(world.user("b.sales_manager").mobile, PASSWORD, ip="10.2.0.2").status_code == 302


@pytest.mark.parametrize("password, reason", [("short", "12"), ("123456789012", "数字"),
                                               ("aaaaaaaaaaaa", "泄露")])
def test_weak_passwords_are_refused(db: Any, password: str, reason: str) -> None:
    with pytest.raises(DomainError) as err:
        user_create(name="新人", mobile="13511112222", password=password)
    assert err.value.field == "password"


def test_production_hashes_with_argon2_and_sessions_expire() -> None:
    from config.settings import base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert base.SESSION_COOKIE_AGE <= 12 * 3600


def test_the_invited_gm_sets_a_password_and_lands_in_the_store(world: World, db: Any) -> None:
    result = store_onboard(group=world.group_x, name="邀请店", slug="invite-store", city="杭州",
                           gm_name="孙经理", gm_mobile="13812340000")
    token = str(result.invitation.token)
    client = Client(HTTP_HOST="localhost")
    bad = client.post(f"/invite/{token}/", {"name": "孙经理", "password": "short", "password2": "short"})
    assert bad.status_code == 200 and "12" in bad.content.decode()
    ok = client.post(f"/invite/{token}/", {"name": "孙经理", "password": PASSWORD, "password2": PASSWORD})
    assert ok.status_code == 302 and ok["Location"] == f"/switch/{result.store.pk}/"
    # One-time: the link cannot be used again.
    assert Client(HTTP_HOST="localhost").get(f"/invite/{token}/").status_code == 404
    with pytest.raises(DomainError):
        invitation_accept(token=token, password=PASSWORD)
