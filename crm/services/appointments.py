"""预约保养/维修: booking with a service advisor, a reminder through the outbox, check-in and no-show.

Check-in opens the repair order through `service_visit_create`: the car came in, which is exactly what
the cadence's "came in" rule reads (crm.cadence.engine._close_came_in, repeat_until=came_in), so a kept
appointment fulfils the first-maintenance / maintenance reminders with no second rule.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from tenants.errors import DomainError
from tenants.models import StoreMembership
from tenants.roles import StoreRole

from ..models import Customer, OutboxMessage, ServiceVisit, Vehicle
from ..models.aftersales import Notification
from ..models.appointments import Appointment, AppointmentKind, AppointmentStatus
from ..models.cadence import OutboxStatus
from ..models.choices import ServiceType
from ..notifications import notify
from .service_visits import service_visit_create

SERVICE_ROLES = (StoreRole.SERVICE_ADVISOR, StoreRole.SERVICE_MANAGER)
# The reminder goes out the day before (at the latest two hours after booking if that is already past).
REMIND_BEFORE = timedelta(days=1)
NO_SHOW_GRACE = timedelta(minutes=30)


def advisor_check(*, store_id: int, advisor_id: int | None) -> int:
    """The advisor must be an active member of this store with a service role (issue 15: ids naming staff)."""
    if not advisor_id or not StoreMembership.objects.filter(
            store_id=store_id, user_id=advisor_id, is_active=True, role__in=SERVICE_ROLES).exists():
        raise DomainError(gettext("所选服务顾问不是本店在职服务人员。"), field="advisor_id")
    return int(advisor_id)


def _reminder(appt: Appointment, store_name: str) -> tuple[str, dict[str, str]]:
    """The reminder's text and its template variables (the group's "appointment_reminder" SMS template)."""
    when = timezone.localtime(appt.starts_at)
    plate = appt.vehicle.plate or appt.vehicle.vin[-6:]
    # The SMS goes to the car owner, so it is written in the store's language, not the booking user's UI language.
    with translation.override(settings.LANGUAGE_CODE):
        params = {"name": appt.customer.name, "when": when.strftime(gettext("%m月%d日 %H:%M")), "store": store_name,
                  "plate": plate, "kind": str(AppointmentKind(appt.kind).label)}
        return gettext("%(name)s您好，您预约了%(when)s到%(store)s为爱车%(plate)s%(kind)s，"
                       "届时服务顾问将在店等候。如需改期请回电。") % params, params


@transaction.atomic
def appointment_book(*, member: StoreMembership, customer: Customer, vehicle: Vehicle, kind: str,
                     starts_at: datetime, advisor_id: int | None, note: str = "", store_name: str = "") -> Appointment:
    """预约保养/维修 for a future time with an advisor of this store; the SMS reminder is queued in the outbox."""
    if vehicle.owner_id != customer.pk:
        raise DomainError(gettext("请选择该客户的车辆。"), field="vehicle")
    if kind not in AppointmentKind.values:
        raise DomainError(gettext("请选择预约类型。"), field="kind")
    if starts_at <= timezone.now():
        raise DomainError(gettext("预约时间应晚于现在。"), field="time")
    if starts_at > timezone.now() + timedelta(days=180):
        raise DomainError(gettext("预约时间不能超过半年。"), field="day")
    advisor = advisor_check(store_id=member.store_id, advisor_id=advisor_id)
    appt = Appointment.objects.create(customer=customer, vehicle=vehicle, kind=kind, starts_at=starts_at,
                                      advisor_id=advisor, note=note.strip()[:200], booked_by_id=member.user_id)
    send_at = max(starts_at - REMIND_BEFORE, min(timezone.now() + timedelta(hours=2), starts_at))
    text, params = _reminder(appt, store_name)
    appt.reminder = OutboxMessage.objects.create(customer=customer, channel="sms", to=customer.mobile, body=text,
                                                 params=params, rule_key="appointment_reminder",
                                                 next_attempt_at=send_at)
    appt.save(update_fields=["reminder"])
    if advisor:  # 邀约到店: the advisor learns of the customer invited in
        notify([Notification(recipient_id=advisor, kind="appointment",
                             title=gettext("新预约：%(name)s %(when)s") % {
                                 "name": customer.name, "when": f"{timezone.localtime(starts_at):%m-%d %H:%M}"},
                             body=note.strip()[:200] or appt.get_kind_display())], exclude=member.user_id)
    return appt


def _booked(appt: Appointment) -> None:
    if appt.status != AppointmentStatus.BOOKED:
        raise DomainError(gettext("该预约已%(status)s。") % {"status": appt.get_status_display()})


def _cancel_reminder(appt: Appointment) -> None:
    if appt.reminder_id:
        OutboxMessage.objects.filter(pk=appt.reminder_id, status=OutboxStatus.PENDING).update(
            status=OutboxStatus.CANCELLED)


@transaction.atomic
def appointment_check_in(*, member: StoreMembership, appointment: Appointment, km: int | None = None) -> ServiceVisit:
    """到店: the appointment is kept and its repair order opened — the car came in (cadence counts it)."""
    _booked(appointment)
    kind = ServiceType.REPAIR
    if appointment.kind == AppointmentKind.MAINTENANCE:
        first = not ServiceVisit.objects.filter(vehicle=appointment.vehicle).exists()
        kind = ServiceType.FIRST_MAINTENANCE if first else ServiceType.PERIODIC
    visit = service_visit_create(member=member, vehicle=appointment.vehicle, kind=kind,
                                 visited_on=timezone.localdate(), km=km, advisor_id=appointment.advisor_id,
                                 notes=(gettext("预约到店 %(note)s") % {"note": appointment.note}).strip())
    appointment.status = AppointmentStatus.ARRIVED
    appointment.arrived_at = timezone.now()
    appointment.service_visit = visit
    appointment.save(update_fields=["status", "arrived_at", "service_visit"])
    _cancel_reminder(appointment)
    return visit


@transaction.atomic
def appointment_no_show(*, member: StoreMembership, appointment: Appointment) -> Appointment:
    """爽约 (未到店): only once the booked time (plus half an hour) has passed."""
    _booked(appointment)
    if timezone.now() < appointment.starts_at + NO_SHOW_GRACE:
        raise DomainError(gettext("预约时间过后半小时才能标记未到店。"))
    appointment.status = AppointmentStatus.NO_SHOW
    appointment.save(update_fields=["status"])
    _cancel_reminder(appointment)
    return appointment


@transaction.atomic
def appointment_cancel(*, member: StoreMembership, appointment: Appointment) -> Appointment:
    """取消预约: the reminder is withdrawn from the outbox."""
    _booked(appointment)
    appointment.status = AppointmentStatus.CANCELLED
    appointment.save(update_fields=["status"])
    _cancel_reminder(appointment)
    return appointment
