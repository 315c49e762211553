"""个人信息访问记录 for the GM: the store's access log, filtered, with names for the page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from ..models import Customer, PersonalDataAccess
from ..privacy import FIELD_LABELS


@dataclass(frozen=True)
class AccessLogFilters:
    """Filters of the log page: customer, staff member, date range (store days), action."""

    customer_id: int | None = None
    user_id: int | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    action: str = ""


def _day_start(day: dt.date) -> dt.datetime:
    """Midnight of a store day (the active zone is the store's, set by the middleware or the task)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def access_log_list(filters: AccessLogFilters) -> QuerySet[PersonalDataAccess]:
    """The store's access log, newest first; the schema is the store, so nothing of another store is here."""
    qs = PersonalDataAccess.objects.all()
    if filters.customer_id is not None:
        qs = qs.filter(customer_ids__contains=[filters.customer_id])
    if filters.user_id is not None:
        qs = qs.filter(user_id=filters.user_id)
    if filters.since is not None:
        qs = qs.filter(at__gte=_day_start(filters.since))
    if filters.until is not None:
        qs = qs.filter(at__lt=_day_start(filters.until + dt.timedelta(days=1)))
    if filters.action:
        qs = qs.filter(action=filters.action)
    return qs.order_by("-at", "-pk")


def field_labels(names: Iterable[str]) -> list[str]:
    """Customer field names as staff read them (手机号, 回访号码…); an unknown name stays as it is."""
    out = []
    for name in names:
        if name in FIELD_LABELS:
            out.append(str(FIELD_LABELS[name]))
            continue
        try:
            out.append(str(getattr(Customer._meta.get_field(name), "verbose_name", name)))
        except Exception:  # noqa: BLE001  # a field since removed from the model: show its name
            out.append(name)
    return out


def customer_names(rows: Iterable[PersonalDataAccess]) -> dict[int, str]:
    """id → current name of the customers a page of log rows names (one query; single-customer rows)."""
    ids = {r.customer_ids[0] for r in rows if len(r.customer_ids) == 1}
    return dict(Customer.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}


def access_log_export_rows(qs: QuerySet[PersonalDataAccess]) -> Iterator[list[Any]]:
    """One row per log entry for `tenants.exports` (store time; customers by id and current name)."""
    for chunk_start in range(0, 10**9, 2000):
        chunk = list(qs[chunk_start:chunk_start + 2000])
        if not chunk:
            return
        names = customer_names(chunk)
        for r in chunk:
            who = names.get(r.customer_ids[0], "") if len(r.customer_ids) == 1 else ""
            yield [timezone.localtime(r.at).strftime("%Y-%m-%d %H:%M:%S"), r.user_name, r.get_action_display(),
                   " ".join(str(i) for i in r.customer_ids[:50]) + (" …" if len(r.customer_ids) > 50 else ""),
                   who, len(r.customer_ids), "、".join(field_labels(r.fields)), r.detail, r.ip or "", r.user_agent]
