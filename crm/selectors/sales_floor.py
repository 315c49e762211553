"""Reads of the sales floor: the weekly key-customer review and its statistics, appointments."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from tenants.models import StoreMembership

from ..access import staff_names
from ..models.appointments import Appointment, AppointmentStatus, KeyOutcome, KeyReviewItem, KeyReviewWeek
from ..services.appointments import SERVICE_ROLES


@dataclass
class ConsultantWeek:
    """One consultant's row of the weekly statistics (重点客户统计)."""

    consultant_id: int
    name: str
    key: int = 0
    deal: int = 0
    defeated: int = 0
    postponed: int = 0
    pending: int = 0
    coaching: str = ""
    items: list[KeyReviewItem] = field(default_factory=list)

    @property
    def rate(self) -> str:
        """成交率 = 成交 / 重点客户, as a whole percent ("-" with no key customers)."""
        return f"{round(100 * self.deal / self.key)}%" if self.key else "-"


def key_review_week(day: date) -> KeyReviewWeek | None:
    """The review of the week containing `day` (None before its Monday job ran)."""
    monday = day - timedelta(days=day.weekday())
    return KeyReviewWeek.objects.filter(week_start=monday).first()


def key_review_table(*, week: KeyReviewWeek, store_id: int, member: StoreMembership,
                     sees_all: bool) -> list[ConsultantWeek]:
    """Per consultant: their key customers and 成交/战败/延期 counts; a consultant gets only their own row."""
    items = KeyReviewItem.objects.filter(week=week).select_related("lead__customer").order_by("consultant_id", "pk")
    if not sees_all:
        items = items.filter(consultant_id=member.user_id)
    names = staff_names(store_id)
    coaching = dict(week.coaching.values_list("consultant_id", "comment"))
    rows: dict[int, ConsultantWeek] = {}
    for item in items:
        row = rows.setdefault(item.consultant_id, ConsultantWeek(item.consultant_id, names.get(item.consultant_id, "-"),
                                                                 coaching=coaching.get(item.consultant_id, "")))
        row.items.append(item)
        row.key += 1
        if item.outcome == KeyOutcome.DEAL:
            row.deal += 1
        elif item.outcome == KeyOutcome.DEFEATED:
            row.defeated += 1
        elif item.outcome == KeyOutcome.POSTPONED:
            row.postponed += 1
        else:
            row.pending += 1
    return sorted(rows.values(), key=lambda r: r.name)


def key_review_export_rows(rows: list[ConsultantWeek]) -> list[list[Any]]:
    """The Excel export: one line per key customer, then each consultant's figures."""
    out: list[list[Any]] = []
    for r in rows:
        for item in r.items:
            out.append([r.name, item.lead.customer.name, item.lead.grade, item.lead.model_of_interest,
                        item.get_outcome_display(), item.reason, "", "", "", "", ""])
        out.append([r.name, gettext("合计"), "", "", "", "", r.key, r.deal, r.defeated, r.postponed, r.rate])
    return out


KEY_REVIEW_HEADERS = [
    gettext_lazy("销售顾问"), gettext_lazy("客户"), gettext_lazy("意向级别"), gettext_lazy("意向车型"), gettext_lazy("结果"),
    gettext_lazy("原因"), gettext_lazy("重点客户数"), gettext_lazy("成交"), gettext_lazy("战败"), gettext_lazy("延期"),
    gettext_lazy("成交率")]


def appointments_for_customer(customer_id: int) -> list[Appointment]:
    return list(Appointment.objects.filter(customer_id=customer_id).select_related("vehicle")
                .order_by("-starts_at")[:20])


def appointments_on(day: date, *, advisor_id: int | None = None) -> list[Appointment]:
    """预约看板: the day's appointments (store's day), booked ones first by time."""
    start = timezone.make_aware(datetime.combine(day, datetime.min.time()))
    qs = Appointment.objects.filter(starts_at__gte=start, starts_at__lt=start + timedelta(days=1)) \
        .select_related("customer", "vehicle").order_by("starts_at")
    if advisor_id is not None:
        qs = qs.filter(advisor_id=advisor_id)
    return list(qs)


def service_advisors(store_id: int) -> list[StoreMembership]:
    """Active staff of this store with a service role: whom an appointment can be booked with."""
    return list(StoreMembership.objects.filter(store_id=store_id, is_active=True, role__in=SERVICE_ROLES)
                .select_related("user").order_by("user__name"))


__all__ = ["AppointmentStatus"]
