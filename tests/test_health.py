from typing import Any

from django.test import Client


def test_healthz_reports_database_and_redis(db: Any) -> None:
    response = Client(HTTP_HOST="localhost").get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok"}
