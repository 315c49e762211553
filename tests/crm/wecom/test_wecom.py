"""企业微信 for staff: notices reach the member as a WeCom application message through the group's app, with
the in-app notice always kept; the token, errcodes, duplicate check and isolation against a local WeCom server."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django_tenants.utils import tenant_context

from crm.aftersales.complaints import complaint_sla_sweep
from crm.cadence.outbox import outbox_dispatch
from crm.models import OutboxMessage
from crm.models.aftersales import Notification
from crm.notifications import notify
from hq.services.messaging import wecom_account_save
from tenants.messaging import secrets
from tenants.messaging.base import GiveUp, RetryLater
from tenants.messaging.wecom import decision
from tests.crm.aftersales.conftest import at, submitted_complaint
from tests.vendors.wecom_server import WeComPeer
from tests.world import World

from .conftest import AGENT_ID, GM, SALES_M, SECRET, SM, set_userid

FRI = dt.date(2026, 11, 20)
MONDAY_EVENING = dt.datetime(2026, 11, 23, 18, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
SEVENTEEN = at(dt.date(2026, 11, 23), 17)
NOW = MONDAY_EVENING  # when the outbox runs (rows are due from when they were queued)


def _escalate(m: Any) -> Notification:
    """A complaint received Friday 16:00 whose 回复客户 deadline (Monday 16:00) passes: escalated at 17:00
    to the service manager (handbook 002: 经理调查并回复客户)."""
    c = submitted_complaint(m("a.customer_service"), reported_at=at(FRI, 16))
    Notification.objects.filter(kind="submitted").delete()  # the form's own notices are not what we test
    OutboxMessage.objects.filter(notification__isnull=False).delete()
    result = complaint_sla_sweep(now=SEVENTEEN)
    assert (result.breached, result.notified) == (1, 1)
    return Notification.objects.get(complaint=c, kind="escalation")


def _notice(uid: int, title: str = "战败待审：王先生（价格原因）", **kw: Any) -> Notification:
    [n] = notify([Notification(recipient_id=uid, kind="defeat", title=title, body="提交人：A销售顾问。", **kw)])
    return n


@time_machine.travel(MONDAY_EVENING, tick=False)
def test_an_escalated_complaint_reaches_the_service_manager_by_wecom_and_stays_in_app(
        world: World, store_a: Any, m: Any, wecom: WeComPeer) -> None:
    notice = _escalate(m)
    [row] = OutboxMessage.objects.filter(notification=notice)
    assert (row.channel, row.to, row.customer_id, row.status) == ("wecom", SM, None, "pending")
    assert outbox_dispatch(now=NOW) == 1
    [card] = wecom.delivered
    assert card["touser"] == SM and card["msgtype"] == "textcard"
    assert card["title"] == notice.title and "经理调查并回复客户" in card["title"]
    assert card["url"] == f"http://store-a.localhost/aftersales/notifications/?notice={notice.pk}"
    assert card["btntxt"] == "查看"
    row.refresh_from_db()
    assert (row.status, row.vendor, row.provider_ref) == ("sent", "wecom", card["msgid"])
    # The in-app notice is there as well, unread.
    assert Notification.objects.filter(pk=notice.pk, read_at__isnull=True, recipient_id=m("a.service_manager").user_id)
    # A rerun of the sweep notifies nobody twice, and sends nothing more.
    assert complaint_sla_sweep(now=SEVENTEEN + dt.timedelta(hours=1)).notified == 0
    assert outbox_dispatch(now=NOW + dt.timedelta(hours=1)) == 0
    assert len(wecom.delivered) == 1


@time_machine.travel(MONDAY_EVENING, tick=False)
def test_the_token_is_cached_and_fetched_again_once_when_wecom_rejects_it(
        world: World, store_a: Any, m: Any, wecom: WeComPeer) -> None:
    gm = m("a.general_manager").user_id
    for i in range(3):
        _notice(gm, title=f"战败待审：客户{i}")
    assert outbox_dispatch(now=NOW) == 3
    assert wecom.token_calls == 1  # one gettoken for three sends: the token came from Redis
    wecom.expire_tokens()  # 42001 access_token expired
    _notice(gm, title="战败待审：客户3")
    assert outbox_dispatch(now=NOW) == 1
    assert wecom.token_calls == 2 and wecom.answers[-2:] == [42001, 0]
    wecom.revoke_tokens()  # 40014 invalid access_token (the secret was reset)
    _notice(gm, title="战败待审：客户4")
    assert outbox_dispatch(now=NOW) == 1
    assert wecom.token_calls == 3 and wecom.answers[-2:] == [40014, 0]
    assert len(wecom.delivered) == 5
    # The secret travels only to gettoken; message/send carries the token alone.
    assert all(SECRET not in line for line in wecom.requests if "message/send" in line)


def test_the_cached_token_expires_a_margin_before_expires_in(world: World, store_a: Any, m: Any,
                                                             wecom: WeComPeer) -> None:
    # expires_in 301 s minus the 300 s margin: the cached token lives one second (Redis's own clock).
    wecom.expires_in = 301
    from hq.services.messaging import wecom_provider_for_group

    app: Any = wecom_provider_for_group(world.group_x.pk)
    token = app.token()
    assert cache.get(app.cache_key) == token and wecom.token_calls == 1
    assert SECRET not in app.cache_key and "ww0123456789abcdef" not in app.cache_key
    time.sleep(1.2)
    assert cache.get(app.cache_key) is None
    assert app.token() == token  # WeCom hands out the same token while it is valid
    assert wecom.token_calls == 2


@pytest.mark.parametrize(("code", "outcome"), [
    (42001, RetryLater), (40014, RetryLater), (41001, RetryLater), (-1, RetryLater), (45009, RetryLater),
    (45033, RetryLater), (60111, GiveUp), (81013, GiveUp), (40003, GiveUp), (40056, GiveUp), (60020, GiveUp),
])
def test_errcodes_map_to_retry_or_give_up(code: int, outcome: type[Exception]) -> None:
    assert isinstance(decision(code), outcome)


@time_machine.travel(MONDAY_EVENING, tick=False)
def test_busy_and_frequency_limits_are_retried_and_an_unknown_user_is_given_up_with_the_notice_kept(
        world: World, store_a: Any, m: Any, wecom: WeComPeer) -> None:
    gm, sales_m, sm = (m(k).user_id for k in ("a.general_manager", "a.sales_manager", "a.service_manager"))
    busy = _notice(gm, title="战败待审：忙")
    wecom.busy = 1
    assert outbox_dispatch(now=NOW) == 0
    row = OutboxMessage.objects.get(notification=busy)
    assert (row.status, row.attempts, row.last_error) == ("pending", 1, "-1: system busy")
    assert row.next_attempt_at == NOW + dt.timedelta(minutes=2)
    assert outbox_dispatch(now=NOW + dt.timedelta(minutes=2)) == 1  # sent on the retry

    wecom.limited.add(SALES_M)
    limited = _notice(sales_m, title="战败待审：限频")
    outbox_dispatch(now=NOW + dt.timedelta(minutes=3))
    row = OutboxMessage.objects.get(notification=limited)
    assert (row.status, row.last_error[:5]) == ("pending", "45009")

    set_userid(world, "a.service_manager", "left.the.corp")  # no longer a member of the corp
    gone = _notice(sm, title="战败待审：已离开企业")
    outbox_dispatch(now=NOW + dt.timedelta(minutes=3))
    row = OutboxMessage.objects.get(notification=gone)
    assert (row.status, row.last_error[:5]) == ("failed", "81013")
    # The fallback: the in-app notice stays, and shows that WeCom did not deliver it.
    from tests.conftest import client_for

    page = client_for(world.user("a.service_manager"), world.host(world.store_a)).get("/aftersales/notifications/")
    text = page.content.decode()
    assert "战败待审：已离开企业" in text and 'data-wecom="failed"' in text and "81013" in text


@time_machine.travel(MONDAY_EVENING, tick=False)
def test_a_wrong_agent_or_secret_is_given_up_and_never_shown(world: World, store_a: Any, m: Any,
                                                            wecom: WeComPeer) -> None:
    wecom_account_save(group=world.group_x, actor=None, corp_id="ww0123456789abcdef", agent_id="1000099",
                       api_base=wecom.api_base, is_active=True)
    a = _notice(m("a.general_manager").user_id)
    outbox_dispatch(now=NOW)
    assert OutboxMessage.objects.get(notification=a).last_error.startswith("40056")
    cache.clear()
    wrong = "WrongWeComSecret-0123456789abcdefghijkl"
    wecom_account_save(group=world.group_x, actor=None, corp_id="ww0123456789abcdef", agent_id=str(AGENT_ID),
                       secret=wrong, api_base=wecom.api_base, is_active=True)
    b = _notice(m("a.general_manager").user_id)
    outbox_dispatch(now=NOW)
    row = OutboxMessage.objects.get(notification=b)
    assert row.status == "failed" and row.last_error.startswith("40001")
    assert wrong not in row.last_error and SECRET not in row.last_error
    assert wecom.delivered == []


@time_machine.travel(MONDAY_EVENING, tick=False)
def test_without_wecom_a_notice_is_in_app_only(world: World, store_a: Any, m: Any, wecom: WeComPeer) -> None:
    sales_c = m("a.sales_consultant").user_id  # no WeCom userid set
    n = _notice(sales_c)
    assert not OutboxMessage.objects.filter(notification=n).exists()
    wecom_account_save(group=world.group_x, actor=None, corp_id="ww0123456789abcdef", agent_id=str(AGENT_ID),
                       api_base=wecom.api_base, is_active=False)  # switched off
    off = _notice(m("a.general_manager").user_id)
    assert Notification.objects.filter(pk=off.pk).exists()
    assert not OutboxMessage.objects.filter(notification=off).exists()
    assert outbox_dispatch(now=NOW) == 0 and wecom.delivered == []


@time_machine.travel(MONDAY_EVENING, tick=False)
def test_a_row_left_sending_past_the_duplicate_window_is_failed_not_sent_again(
        world: World, store_a: Any, m: Any, wecom: WeComPeer) -> None:
    n = _notice(m("a.general_manager").user_id)
    OutboxMessage.objects.filter(notification=n).update(status="sending", vendor="wecom",
                                                        claimed_at=NOW - dt.timedelta(hours=5))
    outbox_dispatch(now=NOW)
    row = OutboxMessage.objects.get(notification=n)
    assert (row.status, row.last_error[:7]) == ("failed", "unknown")
    assert wecom.delivered == []


@time_machine.travel(MONDAY_EVENING, tick=False)
def test_a_resend_inside_the_window_is_dropped_by_wecoms_duplicate_check(
        world: World, store_a: Any, m: Any, wecom: WeComPeer) -> None:
    n = _notice(m("a.general_manager").user_id)
    assert outbox_dispatch(now=NOW) == 1
    # As a killed worker would leave it: WeCom has it, our row still says 'sending'.
    OutboxMessage.objects.filter(notification=n).update(status="sending", claimed_at=NOW)
    assert outbox_dispatch(now=NOW + dt.timedelta(minutes=10)) == 1
    assert len(wecom.delivered) == 1 and len(wecom.filtered) == 1
    assert OutboxMessage.objects.get(notification=n).provider_ref == wecom.delivered[0]["msgid"]


# --- isolation ---------------------------------------------------------------------------------------------

@time_machine.travel(MONDAY_EVENING, tick=False)
def test_group_y_never_uses_group_xs_wecom_and_store_a_never_reaches_store_bs_staff(
        world: World, store_a: Any, m: Any, wecom: WeComPeer) -> None:
    # Store C (group Y) has a GM with a userid, but group Y has no WeCom: its notices stay in-app.
    set_userid(world, "c.general_manager", "gm.c")
    with tenant_context(world.store_c):
        n = _notice(world.user("c.general_manager").pk)
        assert not OutboxMessage.objects.filter(notification=n).exists()
        assert outbox_dispatch(now=NOW) == 0
    # A member of both A and B with a userid on B only: a store A notice does not use B's userid.
    from tenants.models import StoreMembership

    StoreMembership.objects.filter(user=world.user("ab.sales_consultant"), store=world.store_b).update(
        wecom_userid=SALES_M)
    n = _notice(world.user("ab.sales_consultant").pk)
    assert not OutboxMessage.objects.filter(notification=n).exists()
    # Store B's GM named as a recipient in store A's schema: not a member of A, nothing is sent.
    set_userid(world, "b.general_manager", "gm.c")
    n = _notice(world.user("b.general_manager").pk)
    assert not OutboxMessage.objects.filter(notification=n).exists()
    with tenant_context(world.store_b):
        assert not Notification.objects.filter(title__startswith="战败待审").exists()
    assert outbox_dispatch(now=NOW) == 0 and wecom.delivered == []


def test_the_secret_is_stored_encrypted(world: World, db: Any, wecom: WeComPeer) -> None:
    from hq.models import WeComAccount

    account = WeComAccount.objects.get(group=world.group_x)
    assert SECRET not in account.secret_encrypted and secrets.decrypt(account.secret_encrypted) == SECRET
    assert GM  # the fixture's userids are set
