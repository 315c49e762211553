"""同意与免打扰: the one place consent and opt-outs are written and read.

- `consent_record` appends a grant or withdrawal to the ledger (crm.models.consent.ConsentEvent) and keeps
  the customer's two legacy flags the cadence SQL reads (email_consent, may_call) in step with it.
- `consent_allows(customer, channel, purpose)`: the latest ledger entry for that channel and purpose; with
  none, what the customer record said before the ledger (a care message is allowed unless the customer's
  channels rule it out, marketing needs the channel named — handbook 002 for calls).
- `suppress` / `is_suppressed` / `unsuppress`: the suppression list every send checks.
The privacy helpers (access requests, the processing log) read these and nothing else.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from tenants.errors import DomainError
from tenants.validators import CN_MOBILE_RE, normalize_cn_mobile

from .models import Customer
from .models.consent import (
    ConsentChannel,
    ConsentEvent,
    ConsentPurpose,
    ConsentSource,
    Suppression,
    SuppressionReason,
)


def _check(value: str, choices: type[ConsentChannel] | type[ConsentPurpose] | type[ConsentSource], field: str) -> None:
    if value not in choices.values:
        raise DomainError(gettext("取值不正确。"), field=field)


# The wording a customer agrees to, per channel and purpose, as the store shows or reads it out (handbook
# 002: the return-visit consent is asked at delivery and at the service desk). Stored verbatim in the ledger
# in Chinese, the language the customer saw, whatever the staff member's page language (gettext_noop).
CONSENT_WORDING: dict[tuple[str, str], str] = {
    (ConsentChannel.CALL, ConsentPurpose.RETURN_VISIT): gettext_noop(
        "本人同意门店在我留下的时间、按我留下的号码电话回访，了解用车情况和服务满意度；可随时告知门店停止回访。"),
    (ConsentChannel.EMAIL, ConsentPurpose.NOTIFICATION): gettext_noop(
        "本人同意门店通过电子邮件发送保养提醒和服务通知；可随时要求停止发送。"),
}


@transaction.atomic
def consent_record(*, customer: Customer, channel: str, purpose: str, granted: bool, source: str,
                   recorded_by_id: int | None = None, note: str = "", wording: str = "",
                   at: dt.datetime | None = None) -> ConsentEvent:
    """Append one grant/withdrawal of consent (同意/撤回) for a channel and purpose, with who, where from and
    the words agreed to (`wording`; a grant without one records the store's standard wording for it)."""
    _check(channel, ConsentChannel, "channel")
    _check(purpose, ConsentPurpose, "purpose")
    _check(source, ConsentSource, "source")
    if granted and not wording.strip():
        wording = CONSENT_WORDING.get((channel, purpose), "")
    event = ConsentEvent.objects.create(customer=customer, channel=channel, purpose=purpose, granted=granted,
                                        source=source, recorded_by_id=recorded_by_id, note=note.strip()[:200],
                                        wording=wording.strip(), at=at or timezone.now())
    # The legacy flags are a projection of the ledger (the cadence SQL filters on them).
    if channel == ConsentChannel.EMAIL and customer.email_consent != granted:
        Customer.objects.filter(pk=customer.pk).update(email_consent=granted)
        customer.email_consent = granted
    if channel == ConsentChannel.CALL and purpose == ConsentPurpose.RETURN_VISIT and customer.may_call != granted:
        Customer.objects.filter(pk=customer.pk).update(may_call=granted)
        customer.may_call = granted
    return event


def _before_ledger(customer: Customer, channel: str, purpose: str) -> bool:
    if channel == ConsentChannel.EMAIL:
        return bool(customer.email_consent and customer.email)
    if channel == ConsentChannel.CALL:
        return bool(customer.may_call)
    named = channel in (customer.channels or [])
    if purpose == ConsentPurpose.MARKETING:
        return named
    return named or not customer.channels


def consent_allows(customer: Customer, channel: str, purpose: str) -> bool:
    """May this customer be contacted on this channel for this purpose now? (The ledger decides.)"""
    latest = (ConsentEvent.objects.filter(customer=customer, channel=channel, purpose=purpose)
              .order_by("-at", "-pk").values_list("granted", flat=True).first())
    if latest is not None:
        return bool(latest)
    return _before_ledger(customer, channel, purpose)


def consent_history(customer: Customer) -> list[ConsentEvent]:
    """The customer's ledger, newest first (for the customer file and an access request)."""
    return list(ConsentEvent.objects.filter(customer=customer).order_by("-at", "-pk"))


def _phone(phone: str) -> str:
    normal = normalize_cn_mobile(phone or "")
    if not CN_MOBILE_RE.match(normal):
        raise DomainError(gettext("请输入正确的手机号。"), field="phone")
    return normal


_SOURCE_OF: dict[str, str] = {SuppressionReason.REPLY: ConsentSource.REPLY, SuppressionReason.STAFF: ConsentSource.STAFF,
              SuppressionReason.COMPLAINT: ConsentSource.COMPLAINT}


@transaction.atomic
def suppress(*, phone: str, reason: str, note: str = "", created_by_id: int | None = None) -> Suppression:
    """加入免打扰: nothing is sent to this number any more. Idempotent (the first entry stays)."""
    if reason not in SuppressionReason.values:
        raise DomainError(gettext("取值不正确。"), field="reason")
    normal = _phone(phone)
    existing = Suppression.objects.filter(phone=normal).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            row = Suppression.objects.create(phone=normal, reason=reason, note=note.strip()[:200],
                                             created_by_id=created_by_id)
    except IntegrityError:  # a concurrent opt-out of the same number
        return Suppression.objects.get(phone=normal)
    for customer in Customer.objects.filter(mobile=normal):
        for purpose in (ConsentPurpose.NOTIFICATION, ConsentPurpose.MARKETING):
            consent_record(customer=customer, channel=ConsentChannel.SMS, purpose=purpose, granted=False,
                           source=_SOURCE_OF[reason], recorded_by_id=created_by_id, note=note, wording=note)
    return row


def is_suppressed(phone: str) -> bool:
    """Is this number on the suppression list? (Every send asks.)"""
    normal = normalize_cn_mobile(phone or "") or (phone or "")
    return Suppression.objects.filter(phone=normal).exists()


@transaction.atomic
def unsuppress(*, phone: str, recorded_by_id: int) -> bool:
    """移出免打扰 (the customer asked again, recorded by staff). The ledger keeps the old withdrawal."""
    return bool(Suppression.objects.filter(phone=_phone(phone)).delete()[0])
