"""Isolation rows for 个人信息权利请求 and 保存期限: the GM of the store only; other stores, other groups,
HQ, every other role and anonymous visitors get 404 (or the sign-in redirect)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django_tenants.utils import tenant_context

from tenants.models import StoreMembership
from tests.crm.fixtures import a_customer
from tests.harness import Case


def a_request(world: Any) -> Any:
    """A deletion request for store A's harness customer, registered by A's GM (once per test)."""
    from crm.models import PersonalInfoRequest
    from crm.personal_info.services import request_register

    customer = a_customer(world)
    with tenant_context(world.store_a):
        existing = PersonalInfoRequest.objects.filter(customer=customer).first()
        if existing is not None:
            return existing
        gm = StoreMembership.objects.get(user=world.user("a.general_manager"), store=world.store_a)
        return request_register(member=gm, customer=customer, kind="deletion", requester_name="王小明",
                                identity_check="id_card", details="要求删除", received_on=dt.date(2026, 1, 5))


def request_path(suffix: str = "") -> Any:
    def path(world: Any) -> str:
        return f"/privacy/requests/{a_request(world).pk}/{suffix}"

    path.__name__ = f"privacy/requests/<a>/{suffix}"
    return path


PAGES = ["/privacy/requests/", "/privacy/requests/new/", "/privacy/retention/"]
ROWS: list[Case] = []
for p in [*PAGES, request_path(), request_path("export.xlsx")]:
    ROWS += [
        Case("a.general_manager", "a", p, 200),
        Case("a.sales_manager", "a", p, 404, note="only the GM handles personal-information requests"),
        Case("a.sales_consultant", "a", p, 404, note="a consultant cannot register or execute requests"),
        Case("a.customer_service", "a", p, 404),
        Case("b.general_manager", "a", p, 404, note="same group, other store"),
        Case("c.general_manager", "a", p, 404, note="other group"),
        Case("x.hq_admin", "a", p, 404, note="HQ is not store staff"),
        Case("y.hq_admin", "a", p, 404),
        Case(None, "a", p, 302),
    ]
ROWS += [
    Case("b.general_manager", "b", request_path(), 404, note="A's request id asked at B"),
    Case("b.general_manager", "b", request_path("export.xlsx"), 404, note="A's request id asked at B"),
    Case("a.sales_consultant", "a", "/privacy/requests/new/", 404, method="post",
         data={"mobile": "13911112222", "kind": "deletion"}),
    Case("a.sales_manager", "a", request_path("delete/"), 404, method="post", data={"reason": "x"}),
    Case("a.sales_consultant", "a", request_path("correct/"), 404, method="post", data={"reason": "x"}),
    Case("b.general_manager", "a", request_path("delete/"), 404, method="post", data={"reason": "x"}),
    Case("b.general_manager", "b", request_path("delete/"), 404, method="post", data={"reason": "x"}),
    Case("c.general_manager", "a", request_path("refuse/"), 404, method="post", data={"reason": "x"}),
    Case("a.general_manager", "a", request_path("answer/"), 400, method="post", data={"reason": "x"},
         note="a deletion request is not answered with a copy"),
    Case(None, "a", request_path("delete/"), 302, method="post", data={"reason": "x"}),
]
