"""Schemathesis against the store API and the HQ API, signed in as a member: no 5xx in at least 100
generated cases per operation. Run alone with `pytest -m schemathesis`.

The schema is read the way a client reads it (GET /api/schema/ as that member) and every case goes
through Django's WSGI handler in-process, inside the test's transaction, so nothing it writes stays.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings

from tenants.services.accounts import api_token_issue
from tests.conftest import client_for
from tests.world import World

pytestmark = pytest.mark.schemathesis
CASES_PER_OPERATION = int(os.environ.get("SCHEMATHESIS_CASES", "100"))  # fewer only to debug


def _run(schema_json: dict[str, Any], *, host: str, session: str,
         token: str | None = None) -> tuple[int, list[str], Counter[int]]:
    schema = schemathesis.openapi.from_dict(schema_json)
    app = get_wsgi_application()
    csrf = "s" * 32  # a CSRF secret of our choosing, sent as cookie and header, so session writes get through
    headers = {"Host": host, "X-CSRFToken": csrf, **({"Authorization": f"Bearer {token}"} if token else {})}
    cookies = {"sessionid": session, "csrftoken": csrf}
    failures: list[str] = []
    statuses: Counter[int] = Counter()
    operations = [r.ok() for r in schema.get_all_operations()]

    def runner(op: Any) -> Any:
        @settings(max_examples=CASES_PER_OPERATION, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        @given(case=op.as_strategy())
        def check(case: Any) -> None:
            if case.headers:  # the schema declares the bearer scheme: a generated token would only test 401
                case.headers.pop("Authorization", None)
            response = case.call(app=app, headers=headers, cookies=cookies)
            statuses[response.status_code] += 1
            if os.environ.get("SCHEMATHESIS_DEBUG") and response.status_code == 401:
                print(case.as_curl_command(), response.text[:200], response.request.headers)
            if response.status_code >= 500:
                failures.append(f"{op.method.upper()} {op.path}: {response.status_code} {case.as_curl_command()}")

        return check

    # As Django's test client does: the handler must not close the test's connection (and transaction).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        for op in operations:
            runner(op)()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    print(f"\n{host}: {len(operations)} operations, {sum(statuses.values())} cases, statuses {dict(statuses)}")
    return len(operations), failures, statuses


def _seed(world: World) -> None:
    """A few rows in store A, so that generated ids and filters also meet real data."""
    from django_tenants.utils import tenant_context

    from crm.models import Customer, Lead

    with tenant_context(world.store_a):
        for i in range(1, 6):
            c = Customer.objects.create(name=f"生成{i}", mobile=f"1398000000{i}",
                                        consultant_id=world.user("a.sales_consultant").pk)
            Lead.objects.create(customer=c, consultant_id=c.consultant_id, grade="B")


def _schema(client: Any) -> dict[str, Any]:
    r = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert r.status_code == 200
    return json.loads(r.content)


def test_the_store_api_never_answers_5xx(world: World, db: Any) -> None:
    host = world.host(world.store_a)
    client = client_for(world.user("a.general_manager"), host)
    _seed(world)
    _, token = api_token_issue(user=world.user("a.general_manager"), store=world.store_a)
    count, failures, statuses = _run(_schema(client), host=host, session=client.cookies["sessionid"].value,
                                     token=token)
    assert count >= 30 and failures == [], "\n".join(failures[:20])
    assert statuses[200] + statuses[201] > 100  # the cases reached the views, not only the access check


def test_the_hq_api_never_answers_5xx(world: World, db: Any) -> None:
    client = client_for(world.user("x.hq_admin"))
    count, failures, statuses = _run(_schema(client), host="localhost",
                                     session=client.cookies["sessionid"].value)
    assert count >= 10 and failures == [], "\n".join(failures[:20])
    assert statuses[200] + statuses[201] > 100
