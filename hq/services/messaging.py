"""集团短信: the group's SMS account (keys encrypted, shown masked), signatures and templates, the provider
the outbox sends through, the template a policy message uses, callback routing and daily volume.

Every function takes the group (or finds rows only through it): one group never reads another's rows.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext

from tenants.errors import DomainError
from tenants.messaging import secrets
from tenants.messaging.aliyun import AliyunSms
from tenants.messaging.base import (
    GiveUp,
    MessageKind,
    MessageProvider,
    OutboundMessage,
    RetryLater,
    Vendor,
    unsubscribe_wording,
)
from tenants.messaging.tencent import TencentSms
from tenants.messaging.wecom import WeComApp
from tenants.models import DealerGroup, Store, User

from ..errors import PolicyInvalid
from ..models.messaging import (
    ReviewStatus,
    SmsAccount,
    SmsDailyVolume,
    SmsSendRef,
    SmsSignature,
    SmsTemplate,
    WeComAccount,
)

VAR_NAME_MAX = 30


@dataclass(frozen=True)
class AccountView:
    """What a page may show of the account: never the secret, the key id only masked (LTAI****abcd)."""
    vendor: str
    key_id_masked: str
    has_secret: bool
    app_id: str
    endpoint: str
    is_active: bool
    callback_token: str


def sms_account_view(group: DealerGroup) -> AccountView | None:
    account = SmsAccount.objects.filter(group=group).first()
    if account is None:
        return None
    key_id = secrets.decrypt(account.key_id_encrypted)
    return AccountView(vendor=account.vendor, key_id_masked=secrets.mask(key_id) if key_id else "",
                       has_secret=bool(account.secret_encrypted), app_id=account.app_id, endpoint=account.endpoint,
                       is_active=account.is_active, callback_token=account.callback_token)


@transaction.atomic
def sms_account_save(*, group: DealerGroup, actor: User | None, vendor: str, key_id: str = "", secret: str = "",
                     app_id: str = "", endpoint: str = "", protocol: str = "https", is_active: bool = False
                     ) -> SmsAccount:
    """保存短信账号. A blank key id or secret keeps the stored one (the page never shows them back)."""
    if vendor not in Vendor.values:
        raise DomainError(gettext("请选择短信服务商。"), field="vendor")
    account, _created = SmsAccount.objects.select_for_update().get_or_create(group=group)
    key_id, secret = key_id.strip(), secret.strip()
    if key_id:
        account.key_id_encrypted = secrets.encrypt(key_id)
    if secret:
        account.secret_encrypted = secrets.encrypt(secret)
    if vendor == Vendor.TENCENT and is_active and not (app_id.strip() or account.app_id):
        raise DomainError(gettext("腾讯云短信须填写短信应用ID(SdkAppId)。"), field="app_id")
    if vendor != Vendor.LOG and is_active and not (account.key_id_encrypted and account.secret_encrypted):
        raise DomainError(gettext("启用前请填写 AccessKey ID 和 AccessKey Secret。"), field="key_id")
    if protocol not in {"http", "https"}:
        raise DomainError(gettext("取值不正确。"), field="protocol")
    account.vendor, account.app_id, account.endpoint, account.protocol = vendor, app_id.strip(), endpoint.strip(), protocol
    account.is_active = is_active and vendor != Vendor.LOG
    account.updated_at, account.updated_by_id = timezone.now(), getattr(actor, "pk", None)
    account.save()
    return account


def _active_account(group_id: int) -> SmsAccount | None:
    return SmsAccount.objects.filter(group_id=group_id, is_active=True).exclude(vendor=Vendor.LOG).first()


def sms_vendor_live(group_id: int) -> bool:
    """Does the group send SMS through a live vendor account (not the log provider)?"""
    return _active_account(group_id) is not None


def sms_provider_for_group(group_id: int) -> MessageProvider | None:
    """The group's vendor client, or None when the group sends through the default (log) provider."""
    account = _active_account(group_id)
    if account is None:
        return None
    return provider_for_account(account)


def provider_for_account(account: SmsAccount) -> MessageProvider:
    key_id, secret = secrets.decrypt(account.key_id_encrypted), secrets.decrypt(account.secret_encrypted)
    if account.vendor == Vendor.ALIYUN:
        return AliyunSms(access_key_id=key_id, access_key_secret=secret, endpoint=account.endpoint,
                         protocol=account.protocol)

    return TencentSms(secret_id=key_id, secret_key=secret, app_id=account.app_id, endpoint=account.endpoint,
                      protocol=account.protocol)


# --- signatures and templates --------------------------------------------------------------------------

@transaction.atomic
def sms_signature_save(*, group: DealerGroup, name: str, status: str = ReviewStatus.PENDING) -> SmsSignature:
    name = name.strip().strip("【】")
    if not name or len(name) > 20:
        raise DomainError(gettext("签名应为 2 到 20 个字。"), field="name")
    if status not in ReviewStatus.values:
        raise DomainError(gettext("取值不正确。"), field="status")
    row, _created = SmsSignature.objects.update_or_create(group=group, name=name, defaults={"status": status})
    return row


def _variables(content: str) -> list[str]:
    """${name} (Aliyun) or {1} (Tencent) placeholders, in order of first use."""
    names = re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\{([0-9]{1,2})\}", content)
    out: list[str] = []
    for named, numbered in names:
        name = named or numbered
        if name not in out:
            out.append(name)
    return out


@transaction.atomic
def sms_template_save(*, group: DealerGroup, signature_id: int, code: str, name: str, kind: str, content: str,
                      status: str = ReviewStatus.PENDING, rule_keys: list[str] | None = None,
                      variables: list[str] | None = None) -> SmsTemplate:
    """登记短信模板 (the vendor's code and text). A marketing text gets the vendor's unsubscribe wording."""
    signature = SmsSignature.objects.filter(group=group, pk=signature_id).first()
    if signature is None:
        raise DomainError(gettext("请选择签名。"), field="signature")
    code = code.strip()
    if not code or len(code) > 40:
        raise DomainError(gettext("请填写模板编号。"), field="code")
    if not name.strip():
        raise DomainError(gettext("请填写模板名称。"), field="name")
    if kind not in MessageKind.values:
        raise DomainError(gettext("请选择模板类型。"), field="kind")
    if status not in ReviewStatus.values:
        raise DomainError(gettext("取值不正确。"), field="status")
    content = content.strip()
    if not content or len(content) > 500:
        raise DomainError(gettext("模板内容应为 1 到 500 个字。"), field="content")
    account = SmsAccount.objects.filter(group=group).first()
    if kind == MessageKind.MARKETING:
        wording = unsubscribe_wording(account.vendor if account else Vendor.LOG)
        if not content.endswith(wording):
            content = f"{content}{wording}"
    found = _variables(content)
    variables = [v.strip() for v in (variables or []) if v.strip()] or found
    if any(len(v) > VAR_NAME_MAX for v in variables):
        raise DomainError(gettext("变量名过长。"), field="variables")
    keys = [k.strip() for k in (rule_keys or []) if k.strip()]
    row, _created = SmsTemplate.objects.update_or_create(
        group=group, code=code, defaults={"signature": signature, "name": name.strip()[:60], "kind": kind,
                                          "content": content, "status": status, "rule_keys": keys,
                                          "variables": variables})
    return row


def sms_template_for(group_id: int, rule_key: str) -> SmsTemplate | None:
    """The approved template (under an approved signature) a policy message uses, if the group has one."""
    return (SmsTemplate.objects.select_related("signature")
            .filter(group_id=group_id, rule_keys__contains=[rule_key], status=ReviewStatus.APPROVED,
                    signature__status=ReviewStatus.APPROVED).order_by("pk").first())


def sms_templates_check(group: DealerGroup, body: dict[str, Any]) -> None:
    """发布校验: with a live SMS vendor, every enabled SMS rule needs an approved template (PolicyInvalid,
    naming the rule). With the default log provider nothing is checked: nothing leaves the system."""
    if _active_account(group.pk) is None:
        return
    for rule in body.get("rules") or []:
        if rule.get("channel") != "sms" or not rule.get("enabled", True):
            continue
        if sms_template_for(group.pk, rule["key"]) is None:
            raise PolicyInvalid(gettext("规则「%(name)s」：短信没有已通过审核的模板(签名也须已通过)，"
                                        "请先在「短信模板」登记并关联此规则。") % {"name": rule.get("name") or rule["key"]})


def sms_registry(group: DealerGroup) -> tuple[list[SmsSignature], list[SmsTemplate]]:
    return (list(SmsSignature.objects.filter(group=group).order_by("name")),
            list(SmsTemplate.objects.filter(group=group).select_related("signature").order_by("code")))


# --- sends, callbacks, volume ---------------------------------------------------------------------------

def sms_sent_record(*, store: Store, vendor: str, vendor_ref: str, phone: str, outbox_id: int, channel: str,
                    day: dt.date) -> None:
    """After a send: the reference (for routing receipts and replies back to this store) and the day's count."""
    if vendor_ref and vendor != Vendor.LOG:
        SmsSendRef.objects.get_or_create(vendor=vendor, vendor_ref=vendor_ref, phone=phone,
                                         defaults={"group_id": store.group_id, "store": store, "outbox_id": outbox_id})
    row, created = SmsDailyVolume.objects.get_or_create(store=store, day=day, channel=channel,
                                                        defaults={"group_id": store.group_id, "sent": 1})
    if not created:
        SmsDailyVolume.objects.filter(pk=row.pk).update(sent=F("sent") + 1)


def sms_account_by_callback(token: str, vendor: str) -> SmsAccount | None:
    """The account a callback URL's token names (and only if it is of that vendor)."""
    if not token:
        return None
    return SmsAccount.objects.select_related("group").filter(callback_token=token, vendor=vendor).first()


def sms_ref_route(*, group_id: int, vendor: str, vendor_ref: str, phone: str) -> SmsSendRef | None:
    """Which of this group's stores sent this reference to this number (None: not ours, ignored)."""
    return (SmsSendRef.objects.select_related("store").filter(group_id=group_id, vendor=vendor, vendor_ref=vendor_ref,
                                                               phone=phone).first())


def sms_reply_stores(*, group_id: int, phone: str) -> list[Store]:
    """The stores of this group that have sent to this number (a reply opts out of all of them)."""
    store_ids = set(SmsSendRef.objects.filter(group_id=group_id, phone=phone).values_list("store_id", flat=True))
    return list(Store.objects.filter(pk__in=store_ids, group_id=group_id))


def sms_volume(group: DealerGroup, *, days: int = 14) -> list[dict[str, Any]]:
    """每日发送量 per store and day for the group's last `days` days (and the group's total per day)."""
    since = timezone.localdate() - dt.timedelta(days=days - 1)
    rows = (SmsDailyVolume.objects.filter(group=group, day__gte=since)
            .values("day", "store__name").annotate(n=Sum("sent")).order_by("-day", "store__name"))
    return list(rows)


def sms_volume_days(group: DealerGroup, *, days: int = 14) -> list[dict[str, Any]]:
    """The group's daily total (all its stores) for its last `days` days."""
    since = timezone.localdate() - dt.timedelta(days=days - 1)
    return list(SmsDailyVolume.objects.filter(group=group, day__gte=since).values("day")
                .annotate(n=Sum("sent")).order_by("-day"))


# --- 企业微信 (WeCom) for staff ---------------------------------------------------------------------------

CORP_ID = re.compile(r"^w[wx][0-9A-Za-z]{16}$")  # ww… (wx… for older corps), 18 characters
AGENT_ID = re.compile(r"^[0-9]{1,12}$")
APP_SECRET = re.compile(r"^[0-9A-Za-z_-]{20,64}$")


@dataclass(frozen=True)
class WeComView:
    """What a page may show of the group's WeCom application: never the secret, only masked."""
    corp_id: str
    agent_id: str
    secret_masked: str
    api_base: str
    is_active: bool


def wecom_account_view(group: DealerGroup) -> WeComView | None:
    account = WeComAccount.objects.filter(group=group).first()
    if account is None:
        return None
    secret = secrets.decrypt(account.secret_encrypted)
    return WeComView(corp_id=account.corp_id, agent_id=account.agent_id,
                     secret_masked=secrets.mask(secret) if secret else "", api_base=account.api_base,
                     is_active=account.is_active)


@transaction.atomic
def wecom_account_save(*, group: DealerGroup, actor: User | None, corp_id: str, agent_id: str, secret: str = "",
                       api_base: str = "", is_active: bool = False) -> WeComAccount:
    """保存企业微信应用. A blank secret keeps the stored one (the page never shows it back). Checked before
    anything is written: a refused save changes nothing."""
    corp_id, agent_id, secret, api_base = corp_id.strip(), agent_id.strip(), secret.strip(), api_base.strip()
    if corp_id and not CORP_ID.match(corp_id):
        raise DomainError(gettext("企业ID应为 ww 开头的 18 位字母数字（企业微信管理后台「我的企业」）。"), field="corp_id")
    if agent_id and not AGENT_ID.match(agent_id):
        raise DomainError(gettext("AgentId 应为数字（应用管理 → 自建应用）。"), field="agent_id")
    if secret and not APP_SECRET.match(secret):
        raise DomainError(gettext("Secret 格式不正确，请从应用详情页复制完整的 Secret。"), field="secret")
    if api_base and not re.match(r"^https?://[^\s]+$", api_base):
        raise DomainError(gettext("接入地址应以 http:// 或 https:// 开头。"), field="api_base")
    account, _created = WeComAccount.objects.select_for_update().get_or_create(group=group)
    if is_active and not (corp_id and agent_id and (secret or account.secret_encrypted)):
        field = "corp_id" if not corp_id else "agent_id" if not agent_id else "secret"
        raise DomainError(gettext("启用前请填写企业ID、AgentId 和 Secret。"), field=field)
    if secret:
        account.secret_encrypted = secrets.encrypt(secret)
    account.corp_id, account.agent_id, account.api_base, account.is_active = corp_id, agent_id, api_base, is_active
    account.updated_at, account.updated_by_id = timezone.now(), getattr(actor, "pk", None)
    account.save()
    return account


def _wecom_app(account: WeComAccount) -> MessageProvider:

    return WeComApp(corp_id=account.corp_id, agent_id=account.agent_id,
                    secret=secrets.decrypt(account.secret_encrypted), api_base=account.api_base)


def wecom_provider_for_group(group_id: int) -> MessageProvider | None:
    """The group's WeCom application client when WeCom is switched on (and its secret readable), else None."""
    account = WeComAccount.objects.filter(group_id=group_id, is_active=True).first()
    if account is None or not secrets.decrypt(account.secret_encrypted):
        return None
    return _wecom_app(account)


def wecom_enabled(group_id: int) -> bool:
    """Whether notices of this group's stores are also sent to staff by WeCom."""
    return WeComAccount.objects.filter(group_id=group_id, is_active=True).exclude(secret_encrypted="").exists()


def wecom_test_send(*, group: DealerGroup, userid: str, text: str) -> str:
    """发送测试消息 to one WeCom user id with the saved application; returns WeCom's msgid. Raises DomainError
    with WeCom's errcode (never the secret or the token) when WeCom refuses."""

    userid = userid.strip()
    if not re.match(r"^[0-9A-Za-z_@.-]{1,64}$", userid):
        raise DomainError(gettext("企业微信账号只能包含字母、数字和 _-@.，最多 64 位。"), field="userid")
    account = WeComAccount.objects.filter(group=group).first()
    if account is None or not (account.corp_id and account.agent_id and account.secret_encrypted):
        raise DomainError(gettext("请先保存企业ID、AgentId 和 Secret。"), field="userid")
    try:
        return _wecom_app(account).send(message=OutboundMessage(channel="wecom", to=userid, text=text),
                                        key=f"test-{group.pk}")
    except (GiveUp, RetryLater) as exc:
        raise DomainError(gettext("企业微信未能发送（错误码 %(code)s）。") % {"code": exc.code}, field="userid") from exc
