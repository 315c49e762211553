"""线索导入 (the platforms' export layouts, all or nothing, line and column on errors), 400 entry, and the
status webhook back to the source through the outbox, received by a local HTTP server."""

from __future__ import annotations

import hashlib
import hmac
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django_tenants.utils import tenant_context

from crm import services
from crm.cadence.outbox import outbox_dispatch
from crm.leads.imports import lead_import
from crm.models import Customer, Lead, LeadIntake, LeadSourceHook, OutboxMessage
from crm.models.cadence import OutboxStatus

from .conftest import MONDAY_10

MONDAY_NOON = MONDAY_10.replace(hour=12)  # after every sample file's latest lead (10:12)

SAMPLES = Path(__file__).parent / "samples"


@pytest.mark.parametrize(("name", "source", "count", "lead_id", "mobile"), [
    ("autohome.xlsx", "autohome", 3, "AH20261214002", "13920000002"),
    ("dongchedi.csv", "dongchedi", 2, "DCD7002", "13920000012"),
    ("yiche.xlsx", "yiche", 2, "YC-88001", "13920000021"),
])
def test_each_platforms_export_is_recognised(world: Any, member: Any, name: str, source: str, count: int,
                                             lead_id: str, mobile: str) -> None:
    with tenant_context(world.store_a), time_machine.travel(MONDAY_NOON, tick=False):
        report = lead_import(member=member("a.sales_manager"), filename=name, content=(SAMPLES / name).read_bytes())
        assert report.ok and report.counts == {"accepted": count}
        lead = Lead.objects.select_related("customer").get(source=source, source_lead_id=lead_id)
        assert lead.customer.mobile == mobile and lead.received_at is not None
        assert LeadIntake.objects.filter(via="import").count() == count
        again = lead_import(member=member("a.sales_manager"), filename=name, content=(SAMPLES / name).read_bytes())
        assert again.counts == {"already_received": count} and Lead.objects.count() == count


def test_a_file_with_errors_reports_line_and_column_and_imports_nothing(world: Any, member: Any) -> None:
    with tenant_context(world.store_a), time_machine.travel(MONDAY_10, tick=False):
        report = lead_import(member=member("a.sales_manager"), filename="autohome_errors.xlsx",
                             content=(SAMPLES / "autohome_errors.xlsx").read_bytes())
        assert not report.ok
        assert [(e["line"], e["column"]) for e in report.errors] == [(3, "手机号码"), (4, "线索ID"), (5, "线索创建时间")]
        assert "第 2 行" in report.errors[1]["reason"]
        assert not Lead.objects.exists() and not Customer.objects.exists() and not LeadIntake.objects.exists()


def test_an_unknown_layout_is_refused_at_the_file(world: Any, member: Any) -> None:
    from tenants.errors import DomainError

    with tenant_context(world.store_a), pytest.raises(DomainError, match="无法识别") as exc:
        lead_import(member=member("a.sales_manager"), filename="x.csv", content="名字,号码\n张,139\n".encode())
    assert exc.value.field == "file"


@time_machine.travel(MONDAY_NOON, tick=False)
def test_the_import_page_shows_errors_by_line(world: Any, make_client: Any) -> None:
    client = make_client("a.sales_manager", world.store_a)
    with (SAMPLES / "autohome_errors.xlsx").open("rb") as f:
        r = client.post("/leads/import/", {"file": f})
    assert r.status_code == 400
    text = r.content.decode()
    assert "手机号码" in text and "未导入任何线索" in text
    with (SAMPLES / "yiche.xlsx").open("rb") as f:
        r = client.post("/leads/import/", {"file": f}, follow=True)
    assert "已导入易车线索 2 行" in r.content.decode()


def test_hotline_entry_keeps_what_was_typed_on_a_bad_phone(world: Any, make_client: Any) -> None:
    client = make_client("a.customer_service", world.store_a)
    r = client.post("/leads/hotline/", {"mobile": "1392", "name": "来电的张先生", "source": "hotline",
                                        "model_of_interest": "ID.4", "campaign": ""})
    assert r.status_code == 400
    text = r.content.decode()
    assert "手机号格式不正确" in text and "来电的张先生" in text
    with tenant_context(world.store_a):
        assert not Lead.objects.exists()


def test_hotline_entry_by_reception_never_names_a_colleagues_customer(world: Any, make_client: Any,
                                                                       ab_at_a: Any) -> None:
    with tenant_context(world.store_a):
        services.customer_create(member=ab_at_a, name="同事的老客户", mobile="13920000099")
    client = make_client("a.sales_consultant", world.store_a)
    r = client.post("/leads/hotline/", {"mobile": "13920000099", "name": "", "source": "hotline",
                                        "model_of_interest": "", "campaign": ""}, follow=True)
    text = r.content.decode()
    assert "已登记来电线索，已按规则分配" in text and "同事的老客户" not in text
    with tenant_context(world.store_a):
        lead = Lead.objects.get()
        assert (lead.source, lead.consultant_id) == ("hotline", ab_at_a.user_id)


# ------------------------------------------------------------------ status back to the source

class _Platform(http.server.BaseHTTPRequestHandler):
    received: list[tuple[dict[str, str], bytes]] = []
    fail_first = 0

    def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if _Platform.fail_first > 0:
            _Platform.fail_first -= 1
            self.send_response(503)
            self.end_headers()
            return
        _Platform.received.append(({k: v for k, v in self.headers.items()}, body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def platform() -> Iterator[str]:
    server = http.server.HTTPServer(("127.0.0.1", 0), _Platform)
    _Platform.received, _Platform.fail_first = [], 1
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/leads/status"
    server.shutdown()
    server.server_close()


def test_contact_deal_and_defeat_are_told_to_the_source_signed_and_retried(world: Any, member: Any, ab_at_a: Any,
                                                                           platform: str) -> None:
    from crm.leads.intake import IntakeItem, lead_intake_batch

    manager = member("a.sales_manager")
    with tenant_context(world.store_a), time_machine.travel(MONDAY_10, tick=False) as t:
        LeadSourceHook.objects.create(source="yiche", url=platform, secret="yc-secret")
        result = lead_intake_batch(member=manager, items=[IntakeItem(source="yiche", mobile="13920000100",
                                                                    source_lead_id="YC-1")])[0]
        lead = Lead.objects.select_related("customer").get(pk=result.intake.lead_id)  # type: ignore[union-attr]
        services.followup_create(member=manager, customer=lead.customer, lead=lead, channel="phone",
                                 content="已沟通", outcome="talked")
        services.lead_defeat(member=manager, lead=lead, reason="price")
        # 战败待审 is not yet a defeat: the platform hears of it when the GM approves it.
        assert OutboxMessage.objects.filter(channel="webhook").count() == 1
        from crm.services.defeat import lead_defeat_approve

        lead_defeat_approve(member=member("a.general_manager"), lead=lead)
        assert OutboxMessage.objects.filter(channel="webhook").count() == 2
        # Quiet hours hold messages to customers, not a platform's webhook; the platform answers 503 once.
        quiet = {"start": "00:00", "end": "23:59"}
        assert outbox_dispatch(quiet=quiet) == 1
        first = OutboxMessage.objects.order_by("pk").first()
        assert first is not None and first.attempts == 1 and first.status == OutboxStatus.PENDING
        t.shift(dt_minutes(5))
        assert outbox_dispatch(quiet=quiet) == 1
        assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}
    events = []
    for headers, body in _Platform.received:
        expected = "sha256=" + hmac.new(b"yc-secret", body, hashlib.sha256).hexdigest()
        assert headers["X-Chezhu-Signature"] == expected
        payload = json.loads(body)
        assert payload["source_lead_id"] == "YC-1" and "13920000100" not in body.decode()
        events.append(payload["event"])
    assert sorted(events) == ["contacted", "defeated"]


def dt_minutes(n: int) -> Any:
    import datetime as dt

    return dt.timedelta(minutes=n)


def test_the_manager_sets_a_sources_consultants_and_hook(world: Any, make_client: Any, ab_at_a: Any) -> None:
    client = make_client("a.sales_manager", world.store_a)
    bad = client.post("/leads/settings/", {"source": "yiche", "consultant_ids": [str(ab_at_a.user_id)],
                                           "hook_url": "https://yiche.example/cb", "hook_secret": "short",
                                           "hook_enabled": "on"})
    assert bad.status_code == 400
    assert "至少 16 个字符" in bad.content.decode() and 'value="https://yiche.example/cb"' in bad.content.decode()
    with tenant_context(world.store_a):
        assert not LeadSourceHook.objects.exists()
    ok = client.post("/leads/settings/", {"source": "yiche", "consultant_ids": [str(ab_at_a.user_id)],
                                          "hook_url": "https://yiche.example/cb", "hook_secret": "0123456789abcdef",
                                          "hook_enabled": "on"})
    assert ok.status_code == 302
    with tenant_context(world.store_a):
        from crm.models import LeadRoutingRule

        assert LeadRoutingRule.objects.get(source="yiche").consultant_ids == [ab_at_a.user_id]
        assert LeadSourceHook.objects.get(source="yiche").secret == "0123456789abcdef"
    page = client.get("/leads/settings/").content.decode()
    assert "https://yiche.example/cb" in page and "0123456789abcdef" not in page  # the secret is never shown
    other = client.post("/leads/settings/", {"source": "yiche", "consultant_ids": [str(world.user("b.sales_consultant").pk)]})
    assert other.status_code == 400  # a consultant of another store is refused at the field
