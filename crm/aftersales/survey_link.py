"""问卷链接: a return-visit survey the customer answers on a web page instead of on the phone.

- `survey_link_send` queues one SMS through the outbox (crm.cadence.outbox): a personal link
  (`/s/<token>/` on the store's own host) where the group has an approved template for it (rule key
  `survey_link`), otherwise — several vendors refuse survey texts — the store's fixed survey page
  (`/s/`) with a verification code, on an approved notification template (rule key `survey_code`).
  With the default log provider nothing leaves the system and the personal link is used.
- The token is `django.core.signing` (timestamped, salted with the store's schema: a token of store A
  is a bad signature on store B's host) carrying the visit id and a nonce; the row keeps only its HMAC,
  so the link is single-use (`used_at`) and revocable (`revoked_at`).
- The answer goes through `return_visit_record`, the same service as a call: the answers against the
  group's survey version in force, the call (the visit's open FollowUpTask) closed, the monthly report
  and HQ metrics. A low answer opens the complaint draft (with its SLA deadlines) as the call screen's
  "完成并生成投诉草稿" does.
- The phone call stays open meanwhile (one work item per call): the queue shows 待客户填写; if the
  caller works the visit first, the link is revoked and refuses with "该回访已结束".
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext, gettext_noop

from hq.services.messaging import sms_template_for, sms_vendor_live
from tenants.access import read_only_reason
from tenants.errors import Conflict, DomainError
from tenants.messaging.base import MessageKind
from tenants.models import StoreMembership
from tenants.roles import Perm, StoreRole, role_allows
from tenants.services.onboarding import store_url
from tenants.throttle import failure_count, failure_count_add
from tenants.validators import CN_MOBILE_RE

from ..consent import consent_allows, is_suppressed
from ..models import Customer, OutboxMessage
from ..models.aftersales import (
    AnswerChannel,
    CallOutcome,
    ReturnVisit,
    SurveyDelivery,
    SurveyInvitation,
)
from ..models.consent import ConsentChannel, ConsentPurpose
from .complaints import complaint_draft_from_visit
from .policy import Survey, current_store, survey_current
from .visits import OPEN_STATUSES, WEB_NOTE, return_visit_record, survey_invitations_revoke, visit_open_call

LINK_RULE, CODE_RULE = "survey_link", "survey_code"  # the rule keys an HQ SMS template is linked to
CODE_FAILURE_WINDOW_S = 15 * 60
# What the customer reads (the SMS is in Chinese whoever sends it; the vendor's template has the same words).
LINK_TEXT = gettext_noop("%(store)s邀请您花一分钟评价本次服务：%(link)s ，%(days)s天内有效。")
CODE_TEXT = gettext_noop("%(store)s邀请您评价本次服务：请打开 %(link)s 输入验证码 %(code)s，%(days)s天内有效。")


class SurveyLinkRefused(DomainError):
    """The link (or code) cannot be used; `reason` picks the page the customer sees."""
    STATUS = {"invalid": 404, "expired": 410, "used": 410, "closed": 410, "consent": 403, "throttled": 429,
              "unavailable": 503}

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = self.STATUS[reason]


def _link_days() -> int:
    return int(getattr(settings, "SURVEY_LINK_DAYS", 7))


def _salt() -> str:
    return f"crm.survey_link:{current_store().schema_name}"


def _hash(kind: str, value: str) -> str:
    return salted_hmac(f"{_salt()}:{kind}", value, algorithm="sha256").hexdigest()


def _new_token(visit_id: int) -> str:
    return signing.dumps({"v": visit_id, "n": secrets.token_urlsafe(6)}, salt=_salt(), compress=True)


def survey_url(token: str = "") -> str:
    """The page on the store's own host: the personal link, or (no token) the fixed code-entry page."""
    return f"{store_url(current_store())}s/{token + '/' if token else ''}"


def survey_delivery_for(group_id: int) -> str:
    """Personal link or fixed page + code? The personal link where an approved `survey_link` template
    exists for the group's live vendor (or no vendor is live: the log provider); else the code variant on
    an approved notification template; with neither, sending is refused (HQ registers one on /hq/sms/)."""

    if not sms_vendor_live(group_id) or sms_template_for(group_id, LINK_RULE) is not None:
        return SurveyDelivery.LINK
    code_template = sms_template_for(group_id, CODE_RULE)
    if code_template is not None and code_template.kind == MessageKind.NOTIFICATION:
        return SurveyDelivery.CODE
    raise DomainError(gettext("集团短信模板中没有已通过审核的问卷链接模板(survey_link)或问卷验证码通知模板"
                              "(survey_code)，请总部在「短信模板」登记后再发送。"), field="survey_link")


def survey_consent_allows(customer: Customer) -> bool:
    """May this customer be sent (and answer) a web survey? Not on the suppression list, the return-visit
    consent standing (handbook 002) and SMS notifications allowed (the consent ledger decides)."""
    return (not is_suppressed(customer.mobile)
            and consent_allows(customer, ConsentChannel.CALL, ConsentPurpose.RETURN_VISIT)
            and consent_allows(customer, ConsentChannel.SMS, ConsentPurpose.NOTIFICATION))


def _unique_code() -> tuple[str, str]:
    """A six-digit code no other open invitation of this store uses."""
    for _ in range(20):
        code = f"{secrets.randbelow(10 ** 6):06d}"
        digest = _hash("code", code)
        if not SurveyInvitation.objects.filter(code_hash=digest, used_at__isnull=True, revoked_at__isnull=True,
                                               expires_at__gt=timezone.now()).exists():
            return code, digest
    raise Conflict(gettext("暂时无法生成验证码，请稍后再试。"))


@transaction.atomic
def survey_link_send(*, member: StoreMembership, visit: ReturnVisit) -> SurveyInvitation:
    """发送问卷链接: queue the survey by SMS for the customer to answer on the web; a link sent before
    for this visit stops working. The visit's call stays open until the customer answers."""
    visit = ReturnVisit.objects.select_for_update().select_related("customer").get(pk=visit.pk)
    if visit.status not in OPEN_STATUSES or visit_open_call(visit) is None:
        raise Conflict(gettext("该回访已结束，不能再发送问卷链接。"))
    customer = visit.customer
    to = visit.number if CN_MOBILE_RE.match(visit.number or "") else customer.mobile
    if not CN_MOBILE_RE.match(to or ""):
        raise DomainError(gettext("回访号码不是手机号，不能发送短信问卷。"), field="survey_link")
    if not survey_consent_allows(customer):
        raise DomainError(gettext("客户未同意接收短信回访（或在免打扰名单），不能发送问卷链接。"), field="survey_link")
    store = current_store()
    survey_current(store)  # the group's survey must be in force before anything is sent
    delivery = survey_delivery_for(store.group_id)
    now = timezone.now()
    survey_invitations_revoke(visit=visit)
    token = _new_token(visit.pk)
    code, code_hash = _unique_code() if delivery == SurveyDelivery.CODE else ("", "")
    days = _link_days()
    link = survey_url(token) if delivery == SurveyDelivery.LINK else survey_url()
    params = {"store": store.name, "link": link, "days": str(days), **({"code": code} if code else {})}
    text = (LINK_TEXT if delivery == SurveyDelivery.LINK else CODE_TEXT) % params
    msg = OutboxMessage.objects.create(
        customer=customer, channel="sms", to=to, body=text, kind=MessageKind.NOTIFICATION, params=params,
        rule_key=LINK_RULE if delivery == SurveyDelivery.LINK else CODE_RULE)
    return SurveyInvitation.objects.create(
        visit=visit, delivery=delivery, token_hash=_hash("token", token), code_hash=code_hash,
        expires_at=now + dt.timedelta(days=days), sent_by_id=member.user_id, outbox=msg, created_at=now)


def visit_invitation(visit: ReturnVisit) -> SurveyInvitation | None:
    """The visit's latest survey link (for the call screen: 待客户填写 / answered online)."""
    return SurveyInvitation.objects.select_related("outbox").filter(visit=visit).order_by("-created_at", "-pk").first()


# ------------------------------------------------------------------ the customer's side (no sign-in)


@dataclass(frozen=True)
class OpenSurvey:
    invitation: SurveyInvitation
    visit: ReturnVisit
    survey: Survey
    store_name: str


def _check(token: str, *, lock: bool = False) -> SurveyInvitation:
    """The invitation a token names, or why not — in the order a customer understands: a link that is
    not ours (tampered, another store's) says nothing more than "invalid"."""
    try:
        payload = signing.loads(token, salt=_salt(), max_age=_link_days() * 86400)
    except signing.SignatureExpired:
        raise SurveyLinkRefused("expired") from None
    except signing.BadSignature:
        raise SurveyLinkRefused("invalid") from None
    qs = SurveyInvitation.objects.select_related("visit", "visit__customer")
    if lock:
        qs = qs.select_for_update(of=("self",))
    inv = qs.filter(token_hash=_hash("token", token)).first()
    if inv is None or not isinstance(payload, dict) or payload.get("v") != inv.visit_id:
        raise SurveyLinkRefused("invalid")
    if inv.used_at is not None:
        raise SurveyLinkRefused("used")
    if inv.revoked_at is not None:
        raise SurveyLinkRefused("closed")
    if inv.expires_at <= timezone.now():
        raise SurveyLinkRefused("expired")
    if not survey_consent_allows(inv.visit.customer):
        raise SurveyLinkRefused("consent")
    if inv.visit.status not in OPEN_STATUSES or visit_open_call(inv.visit) is None:
        raise SurveyLinkRefused("closed")
    if read_only_reason(current_store()):
        raise SurveyLinkRefused("unavailable")
    return inv


def survey_invitation_open(token: str) -> OpenSurvey:
    """What the page shows for a link (reads only); SurveyLinkRefused says why it cannot be used."""
    inv = _check(token)
    store = current_store()
    return OpenSurvey(inv, inv.visit, survey_current(store), store.name)


def _code_key(ip: str | None) -> str:
    return f"survey-code-failures:{ip or 'unknown'}"


def survey_code_locked(ip: str | None) -> bool:
    return failure_count(_code_key(ip)) >= int(getattr(settings, "SURVEY_CODE_FAILURE_LIMIT", 5))


@transaction.atomic
def survey_code_redeem(*, code: str, ip: str | None) -> str:
    """验证码: the code from the SMS opens its survey — a fresh personal token for the same invitation
    (the old one stops working). Wrong codes count against the address (SURVEY_CODE_FAILURE_LIMIT per
    15 minutes, in this store); once over, even a right code waits."""
    if survey_code_locked(ip):
        raise SurveyLinkRefused("throttled")
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    inv = None
    if len(code) == 6:
        inv = (SurveyInvitation.objects.select_for_update(of=("self",)).select_related("visit", "visit__customer")
               .filter(code_hash=_hash("code", code), delivery=SurveyDelivery.CODE, used_at__isnull=True,
                       revoked_at__isnull=True, expires_at__gt=timezone.now()).order_by("-pk").first())
    if inv is None:
        failure_count_add(_code_key(ip), window_s=CODE_FAILURE_WINDOW_S)
        raise DomainError(gettext("验证码不正确或已过期，请核对短信中的 6 位验证码。"), field="code")
    token = _new_token(inv.visit_id)
    inv.token_hash = _hash("token", token)
    inv.save(update_fields=["token_hash"])
    _check(token)  # consent, the visit still open: the same refusals as the link
    return token


def _acting_member(inv: SurveyInvitation) -> StoreMembership:
    """Who the answer is recorded under: the staff member who sent the link (the call's closer, who may
    open the complaint draft), or, if they have left the store or that role since, its general manager."""
    members = StoreMembership.objects.filter(store=current_store(), is_active=True)
    sender = members.filter(user_id=inv.sent_by_id).first()
    if sender is not None and all(role_allows(sender.role, p) for p in (Perm.RETURN_VISITS, Perm.COMPLAINTS)):
        return sender
    gm = members.filter(role=StoreRole.GENERAL_MANAGER).order_by("pk").first()
    if gm is None:
        raise SurveyLinkRefused("unavailable")
    return gm


@transaction.atomic
def survey_invitation_answer(*, token: str, person_called: str, answers: dict[str, dict[str, Any]],
                             remark: str = "") -> ReturnVisit:
    """客户网页填写: record the customer's answers exactly as a completed call (return_visit_record);
    an answer below satisfied opens the complaint draft with its SLA, as the call screen does. The link
    is used up in the same transaction; bad input leaves it unused and nothing written."""
    inv = _check(token, lock=True)
    member = _acting_member(inv)
    now = timezone.now()
    inv.used_at = now
    inv.save(update_fields=["used_at"])
    visit = return_visit_record(member=member, visit=inv.visit, outcome=CallOutcome.COMPLETED,
                                person_called=person_called, answers=answers, remark=remark,
                                note=WEB_NOTE, via=AnswerChannel.WEB)
    if visit.complaint_raised:
        complaint_draft_from_visit(member=member, visit=visit)
    return visit
