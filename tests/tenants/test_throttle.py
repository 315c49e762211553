"""Throttling a showroom can live with: (account, address) locks at 5, the address alone much later,
one account however it is written, a colleague's success clears nothing of yours, and behind nginx
the address comes from X-Forwarded-For."""

from __future__ import annotations

from typing import Any

from django.test import Client

from tenants.throttle import address_reset
from tests.world import PASSWORD, World

SHOWROOM = "203.0.113.7"


def _signin(login: str, password: str, ip: str = SHOWROOM, **headers: str) -> Any:
    return Client(HTTP_HOST="localhost", REMOTE_ADDR=ip, **headers).post(
        "/signin/", {"username": login, "password": password})


def test_one_mistyping_colleague_does_not_lock_the_showroom(world: World, db: Any) -> None:
    address_reset(SHOWROOM)
    clumsy = world.user("a.sales_consultant").mobile
    for i in range(5):
        _signin(clumsy, f"wrong-{i}")
    assert _signin(clumsy, PASSWORD).status_code == 429  # this account at this address is locked
    # Twenty-nine colleagues behind the same address still sign in (here: every other world user of A and B).
    others = [u for k, u in world.users.items() if k[0] in "ab" and k != "a.sales_consultant" and k[1] == "."]
    for user in others:
        assert _signin(user.mobile, PASSWORD).status_code == 302, user
    # And the clumsy one is not locked from another address (their phone on 4G).
    assert _signin(clumsy, PASSWORD, ip="198.51.100.20").status_code == 302


def test_three_spellings_of_one_mobile_count_as_one_account(world: World, db: Any) -> None:
    address_reset(SHOWROOM)
    user = world.user("a.sales_manager")
    m = user.mobile
    spaced, plus86 = f"{m[:3]} {m[3:7]} {m[7:]}", f"+86 {m}"
    for login in (spaced, plus86, m, spaced, plus86):  # 5 failures, written three ways
        _signin(login, "wrong-password")
    assert _signin(m, PASSWORD).status_code == 429


def test_a_colleagues_success_never_clears_your_failures(world: World, db: Any) -> None:
    address_reset(SHOWROOM)
    target = world.user("a.service_manager").mobile
    for i in range(4):
        _signin(target, f"wrong-{i}")
    assert _signin(world.user("a.customer_service").mobile, PASSWORD).status_code == 302  # someone else succeeds
    _signin(target, "wrong-4")  # the fifth failure still counts: 4 + 1 = 5
    assert _signin(target, PASSWORD).status_code == 429


def test_your_own_success_clears_your_failures_at_that_address(world: World, db: Any) -> None:
    address_reset(SHOWROOM)
    me = world.user("a.service_advisor").mobile
    for i in range(4):
        _signin(me, f"wrong-{i}")
    assert _signin(me, PASSWORD).status_code == 302
    for i in range(4):
        _signin(me, f"wrong-again-{i}")
    assert _signin(me, PASSWORD).status_code == 302  # 4 new failures, not 8


def test_behind_nginx_the_address_comes_from_x_forwarded_for(world: World, db: Any, settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    address_reset("127.0.0.1")
    victim = world.user("b.service_advisor").mobile
    # Five failures for the victim from one showroom, all arriving from nginx on 127.0.0.1.
    for i in range(5):
        _signin(victim, f"wrong-{i}", ip="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert _signin(victim, PASSWORD, ip="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 429
    # The same account from another client address (also through nginx) is not locked: the proxy's
    # 127.0.0.1 is not the address; a forged left-most hop is not trusted either.
    assert _signin(victim, PASSWORD, ip="127.0.0.1",
                   HTTP_X_FORWARDED_FOR="198.51.100.1, 198.51.100.2").status_code == 302
