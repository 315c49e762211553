"""The attacker's walk: every route of the URLconf and every operation of the OpenAPI schema that takes
an id is tried with ids that belong to another store, another group, or another consultant — through
pages and API, GET and POST. The answer is always 404 (405 for a method the route does not take), never
the object, never a change, never a 5xx.

Ids: store B holds real rows with id 900001 (customer, vehicle, lead, return visit, complaint,
corrective action, import job); store A has none with that id. Group Y's store and policy versions
stand in for "another group" on the HQ side.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django_tenants.utils import tenant_context

from crm.models import Customer, ImportJob, Lead
from crm.models.aftersales import ActionKind, ActionSource, Complaint, CorrectiveAction
from hq.models import PolicyVersion
from hq.services.policies import group_policy_bootstrap
from tests.conftest import client_for
from tests.crm.aftersales.conftest import return_visit, vehicle
from tests.world import World

FOREIGN = 900001
STR_PARAMS = {"fmt": "csv", "action": "key", "kind": "cadence"}
NOWHERE = 987654321  # an id no store has
OK = {404, 405}


_RANDOM_OR_ECHOED = [
    # Django masks the CSRF token afresh on every page (the friendly error page has the sign-out form).
    (__import__("re").compile(rb'name="csrfmiddlewaretoken" value="[^"]*"'), b'name="csrfmiddlewaretoken" value=""'),
    (__import__("re").compile(rb'"X-CSRFToken": "[^"]*"'), b'"X-CSRFToken": ""'),
    # The language switch returns to the address the user typed: it echoes the request, not the data.
    (__import__("re").compile(rb'<input type="hidden" name="next" value="[^"]*">'), b'<input type="hidden" name="next">'),
]


def _body(r: Any) -> bytes:
    """The answer's bytes less what is random per response or echoes the request itself: what is left
    must not differ between another store's id and an id that exists nowhere."""
    body = r.content
    for pattern, blank in _RANDOM_OR_ECHOED:
        body = pattern.sub(blank, body)
    return body


# What store B holds (its rows above). "B店" itself may appear: the user who works in both stores sees
# their own store in the switcher of every page.
B_ROWS = ("B店客户", "B店投诉", "B店措施", "13988880001", "139 8888 0001")


def _shows_b_rows(r: Any) -> bool:
    text = r.content.decode(errors="replace")
    return any(row in text for row in B_ROWS)


def _same(r: Any, control: Any) -> None:
    """Another store's id answers exactly like an id that exists nowhere: nothing to detect."""
    assert (r.status_code, _body(r)) == (control.status_code, _body(control)), (r.content[:200],
                                                                                  control.content[:200])


def _walk(patterns: list[Any], prefix: str = "") -> list[tuple[str, str | None]]:
    out: list[tuple[str, str | None]] = []
    for p in patterns:
        if isinstance(p, URLResolver):
            if "admin" not in str(p.pattern):
                out += _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            out.append((prefix + str(p.pattern), p.name))
    return out


def _fill(route: str, ids: dict[str, int], default: int = FOREIGN) -> str | None:
    """A concrete path for a route with id parameters, or None for routes without any id."""
    if "<int:" not in route and "(?P<pk>" not in route:
        return None
    path = re.sub(r"<int:(\w+)>", lambda m: str(ids.get(m.group(1), default)), route)
    path = re.sub(r"<str:(\w+)>", lambda m: STR_PARAMS.get(m.group(1), "x"), path)
    path = re.sub(r"\(\?P<pk>[^)]*\)", str(ids.get("pk", default)), path)
    return "/" + path.lstrip("^").replace("^", "").replace("$", "")


@pytest.fixture
def store_b_rows(world: World, db: Any) -> None:
    """Real rows in store B at id 900001; store A has no row with that id."""
    with tenant_context(world.store_b):
        manager = world.user("b.sales_manager").pk
        c = Customer.objects.create(pk=FOREIGN, name="B店客户", mobile="13988880001", consultant_id=manager)
        vehicle(c, pk=FOREIGN)
        Lead.objects.create(pk=FOREIGN, customer=c, consultant_id=manager, grade="C")
        visit = return_visit(c, pk=FOREIGN)
        complaint = Complaint.objects.create(pk=FOREIGN, channel="phone", customer=c, return_visit=visit,
                                             description="B店投诉", created_by_id=manager)
        CorrectiveAction.objects.create(
            pk=FOREIGN, kind=ActionKind.CORRECTIVE, source=ActionSource.COMPLAINT, complaint=complaint,
            description="B店措施", owner_id=manager, deadline=dt.date(2030, 1, 1), raised_by_id=manager)
        ImportJob.objects.create(pk=FOREIGN, user_id=world.user("ab.sales_consultant").pk, filename="b.csv",
                                 content=b"x")
    with tenant_context(world.store_a):
        assert not Customer.objects.filter(pk=FOREIGN).exists()


def test_every_store_route_refuses_another_stores_ids(world: World, store_b_rows: None) -> None:
    # ab.sales_consultant works in both stores: the strongest case, a real user of B at A's host.
    gm = client_for(world.user("a.general_manager"), world.host(world.store_a))
    both = client_for(world.user("ab.sales_consultant"), world.host(world.store_a))
    seen = []
    for route, name in _walk(get_resolver("config.urls_tenants").url_patterns):
        path = _fill(route, {})
        if path is None:
            continue
        nowhere = _fill(route, {}, default=NOWHERE)
        for client in (gm, both):
            for method in ("get", "post"):
                r = getattr(client, method)(path)
                # 404/405, or a 400 for the empty body that any id gets alike (validated before the lookup)
                assert r.status_code in OK | {400}, (name, method, path, r.status_code, r.content[:200])
                assert not _shows_b_rows(r)
                _same(r, getattr(client, method)(nowhere))
        seen.append(name)
    assert len(seen) >= 45  # every id-taking route was tried (49 today)
    with tenant_context(world.store_b):
        lead = Lead.objects.get(pk=FOREIGN)
        assert (lead.is_key, lead.status) == (False, "open")  # nothing changed in B
        assert ImportJob.objects.get(pk=FOREIGN).status == "previewed"


def test_every_api_operation_refuses_another_stores_ids(world: World, store_b_rows: None) -> None:
    gm = client_for(world.user("a.general_manager"), world.host(world.store_a))
    schema = gm.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    tried = 0
    for path, ops in schema["paths"].items():
        if not [p for p in re.findall(r"\{(\w+)\}", path) if p not in STR_PARAMS]:
            continue  # no id in the path (e.g. /policy/{kind}/overrides/: every store has its own)
        concrete = re.sub(r"\{(\w+)\}", lambda m: STR_PARAMS.get(m.group(1), str(FOREIGN)), path)
        for method in ops:
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            r = getattr(gm, method)(concrete, data={}, content_type="application/json")
            # 404, or a 400 for the empty body that any id gets alike (validation runs before the lookup)
            assert r.status_code in (400, 404), (method, concrete, r.status_code, r.content[:200])
            assert not _shows_b_rows(r)
            nowhere = re.sub(r"\{(\w+)\}", lambda m: STR_PARAMS.get(m.group(1), str(NOWHERE)), path)
            _same(r, getattr(gm, method)(nowhere, data={}, content_type="application/json"))
            tried += 1
    assert tried >= 22  # every id-taking operation of the store schema (23 today)


def test_a_consultant_cannot_reach_a_colleagues_customer(world: World, db: Any) -> None:
    with tenant_context(world.store_a):
        other = world.user("a.sales_manager").pk
        c = Customer.objects.create(name="同事的客户", mobile="13988880002", consultant_id=other)
        v = vehicle(c)
        lead = Lead.objects.create(customer=c, consultant_id=other, grade="B")
    consultant = client_for(world.user("a.sales_consultant"), world.host(world.store_a))
    ids = {"pk": c.pk, "vehicle_pk": v.pk}
    for route, name in _walk(get_resolver("config.urls_tenants").url_patterns):
        if not route.startswith(("customers/<int:pk>", "api/^customers/")):
            continue
        path = _fill(route, ids)
        if path is None:  # the list route: covered below
            continue
        for method in ("get", "post"):
            r = getattr(consultant, method)(path)
            assert r.status_code in OK | {403}, (name, method, path, r.status_code)
            assert "同事的客户" not in r.content.decode(errors="replace")
    for path in (f"/api/leads/{lead.pk}/", f"/api/vehicles/{v.pk}/", f"/leads/{lead.pk}/key/"):
        assert consultant.get(path).status_code in OK
    assert "同事的客户" not in consultant.get("/customers/").content.decode()
    assert "同事的客户" not in consultant.get("/search/", {"q": "13988880002"}).content.decode()
    assert "同事的客户" not in consultant.get("/api/customers/").content.decode()


def test_hq_routes_refuse_another_groups_stores_and_versions(world: World, db: Any) -> None:
    group_policy_bootstrap(group=world.group_y)
    y_version = PolicyVersion.objects.filter(template__group=world.group_y).first()
    assert y_version is not None
    hq = client_for(world.user("x.hq_admin"))
    ids = {"store_id": world.store_c.pk, "version_id": y_version.pk}
    tried = 0
    for route, name in _walk(get_resolver("config.urls_public").url_patterns):
        if not re.search(r"<int:(store_id|version_id)>", route):
            continue
        path = _fill(route, ids)
        for method in ("get", "post", "put"):
            r = getattr(hq, method)(path, data={}, content_type="application/json")
            assert r.status_code in OK, (name, method, path, r.status_code, r.content[:200])
            assert "C店" not in r.content.decode(errors="replace")
        tried += 1
    assert tried >= 8
    assert hq.get("/hq/compare/", {"period": "2026-10", "stores": str(world.store_c.pk)}).status_code in (400, 404)
    body = hq.get("/api/hq/metrics/compare/", {"period": "2026-10", "stores": str(world.store_c.pk)})
    assert body.status_code in (400, 404) and "C店" not in body.content.decode()
    other = hq.get(f"/hq/?group={world.group_y.code}")  # another group's code: X's own list, nothing of Y
    assert other.status_code in (200, 404) and "C店" not in other.content.decode()
    assert world.group_y.name not in other.content.decode()
