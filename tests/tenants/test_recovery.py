"""找回密码: an SMS code (read from the log provider's output) or an e-mail link; expiry, single use,
wrong tries, rate limits per account and per address; 修改密码 when signed in."""

from __future__ import annotations

import re
from typing import Any

import pytest
import time_machine
from django.core import mail

from tenants.errors import DomainError
from tenants.models import AccountEvent, PasswordResetCode, User
from tenants.services.recovery import TooManyRequests, password_reset_confirm, password_reset_request
from tests.conftest import client_for
from tests.world import PASSWORD, World

NOW = "2026-12-01 10:00:00+08:00"
NEW = "Lan-Hua-Jie-2026!"



def _fresh(world: World, key: str) -> User:
    """A copy of a world user: the session-wide world object must not see this test's changes."""
    return User.objects.get(pk=world.user(key).pk)

def _code_from_log(caplog: Any) -> str:
    found = re.findall(r"验证码是 (\d{6})", caplog.text)
    assert found, caplog.text
    return found[-1]


@pytest.fixture
def sms(caplog: Any, django_capture_on_commit_callbacks: Any) -> Any:
    def request(login: str, ip: str = "10.0.0.1") -> str:
        caplog.clear()
        with caplog.at_level("INFO", logger="tenants.messaging"), django_capture_on_commit_callbacks(execute=True):
            password_reset_request(login=login, ip=ip)
        return _code_from_log(caplog)

    return request


def test_a_code_by_sms_resets_the_password_once(world: World, db: Any, sms: Any) -> None:
    user = _fresh(world, "a.customer_service")
    with time_machine.travel(NOW, tick=False):
        code = sms(f"+86 {user.mobile}")  # any way of writing the number finds the account
        password_reset_confirm(login=user.mobile, code=code, password=NEW)
        user.refresh_from_db()
        assert user.check_password(NEW)
        with pytest.raises(DomainError):
            password_reset_confirm(login=user.mobile, code=code, password="Another-Pass-2026!")  # single use
    assert AccountEvent.objects.filter(kind="password_reset", subject=user, store=world.store_a).exists()


def test_an_expired_code_is_refused(world: World, db: Any, sms: Any) -> None:
    user = _fresh(world, "a.customer_service")
    with time_machine.travel(NOW, tick=False):
        code = sms(user.mobile)
    with time_machine.travel("2026-12-01 10:10:01+08:00", tick=False):  # 10 minutes and 1 second later
        with pytest.raises(DomainError) as err:
            password_reset_confirm(login=user.mobile, code=code, password=NEW)
    assert err.value.field == "code"


def test_five_wrong_codes_spend_the_code(world: World, db: Any, sms: Any) -> None:
    user = _fresh(world, "a.customer_service")
    code = sms(user.mobile)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        with pytest.raises(DomainError):
            password_reset_confirm(login=user.mobile, code=wrong, password=NEW)
    with pytest.raises(DomainError):  # the right code no longer works after 5 wrong tries
        password_reset_confirm(login=user.mobile, code=code, password=NEW)


def test_a_weak_password_costs_no_code(world: World, db: Any, sms: Any) -> None:
    user = _fresh(world, "a.customer_service")
    code = sms(user.mobile)
    with pytest.raises(DomainError) as err:
        password_reset_confirm(login=user.mobile, code=code, password="123456789012")
    assert err.value.field == "password"
    password_reset_confirm(login=user.mobile, code=code, password=NEW)


def test_requests_are_limited_per_account_and_per_address(world: World, db: Any, sms: Any) -> None:
    user = _fresh(world, "a.customer_service")
    with time_machine.travel(NOW, tick=False):
        for i in range(3):
            sms(user.mobile, ip=f"10.0.1.{i}")
        with pytest.raises(TooManyRequests):  # 4th within 15 minutes, whatever the address
            password_reset_request(login=user.mobile, ip="10.0.1.9")
    with time_machine.travel("2026-12-01 10:15:01+08:00", tick=False):
        sms(user.mobile, ip="10.0.1.9")  # the window has passed
        # One address asking for 20 accounts (real or not) is stopped at the 21st.
        PasswordResetCode.objects.all().delete()
        for i in range(20):
            password_reset_request(login=f"1390000{i:04d}", ip="10.9.9.9")
    with time_machine.travel("2026-12-01 10:16:00+08:00", tick=False):
        # Twenty requests from that address within the window (made on the pinned clock, not the machine's).
        PasswordResetCode.objects.bulk_create([
            PasswordResetCode(user=user, channel="sms", code_hash="x", expires_at=user.date_joined,
                              requested_from="10.9.9.9") for _ in range(20)])
        with pytest.raises(TooManyRequests):
            password_reset_request(login=world.user("a.sales_manager").mobile, ip="10.9.9.9")


def test_an_unknown_account_gets_the_same_answer_and_nothing_is_sent(world: World, db: Any, caplog: Any) -> None:
    client = client_for(None)
    with caplog.at_level("INFO", logger="tenants.messaging"):
        response = client.post("/password/forgot/", {"login": "13999999999"})
    assert response.status_code == 302 and response["Location"].startswith("/password/reset/")
    assert "验证码是" not in caplog.text


def test_a_link_by_email_resets_the_password(world: World, db: Any, django_capture_on_commit_callbacks: Any) -> None:
    user = _fresh(world, "b.general_manager")
    client = client_for(None)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/password/forgot/", {"login": user.email})
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [user.email]
    path = re.search(r"https?://[^/]+(/password/reset/\d+/[\w-]+/)", mail.outbox[0].body).group(1)  # type: ignore[union-attr]
    response = client.post(path, {"password": NEW, "password2": NEW})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert client.post(path, {"password": NEW, "password2": NEW}).status_code == 400  # used


def test_the_reset_page_shows_a_wrong_code_at_its_field(world: World, db: Any) -> None:
    user = _fresh(world, "a.customer_service")
    client = client_for(None)
    client.post("/password/forgot/", {"login": user.mobile})
    response = client.post("/password/reset/", {"login": user.mobile, "code": "12", "password": NEW, "password2": NEW})
    assert response.status_code == 400 and "验证码不正确或已过期" in response.content.decode()
    assert f'value="{user.mobile}"' in response.content.decode()


def test_a_signed_in_user_changes_their_password(world: World, db: Any) -> None:
    user = _fresh(world, "a.service_manager")
    client = client_for(user)
    bad = client.post("/password/change/", {"old_password": "wrong", "password": NEW, "password2": NEW})
    assert bad.status_code == 400 and "原密码不正确" in bad.content.decode()
    ok = client.post("/password/change/", {"old_password": PASSWORD, "password": NEW, "password2": NEW})
    assert ok.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert client.get("/").status_code in (200, 302)
    assert AccountEvent.objects.filter(kind="password_changed", subject=user).exists()
