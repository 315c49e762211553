"""The provider interface: a message is a template code + variables under a signature, not free text.

Chinese SMS gateways send only pre-approved templates under an approved signature (签名). Each message
is classed 通知 (notification) or 营销 (marketing); marketing texts carry the vendor's unsubscribe
wording (Aliyun and Huawei: "拒收请回复R"; the others: "回T退订").
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Protocol

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

log = logging.getLogger(__name__)


class MessageKind(models.TextChoices):
    NOTIFICATION = "notification", _("通知")
    MARKETING = "marketing", _("营销")


class Vendor(models.TextChoices):
    LOG = "log", _("日志(不发送)")
    ALIYUN = "aliyun", _("阿里云短信")
    TENCENT = "tencent", _("腾讯云短信")


# The vendor's unsubscribe wording for marketing texts (the vendors' template rules). It is part of the
# approved template text, so it is never translated (gettext_noop only marks it as deliberate).
UNSUBSCRIBE_WORDING = {"aliyun": gettext_noop("拒收请回复R"), "huawei": gettext_noop("拒收请回复R")}
DEFAULT_UNSUBSCRIBE_WORDING = gettext_noop("回T退订")


def unsubscribe_wording(vendor: str) -> str:
    return UNSUBSCRIBE_WORDING.get(vendor, DEFAULT_UNSUBSCRIBE_WORDING)


def with_unsubscribe(text: str, *, vendor: str, kind: str) -> str:
    """A marketing text ends with the vendor's unsubscribe wording (added once); a notification is unchanged."""
    if kind != MessageKind.MARKETING:
        return text
    wording = unsubscribe_wording(vendor)
    return text if text.rstrip().endswith(wording) else f"{text.rstrip()}{wording}"


@dataclass(frozen=True)
class OutboundMessage:
    """One message to one person. For SMS the vendor gets template_code + params under sign_name; `text`
    is what the person reads (rendered from the template; the log provider shows it). E-mail and WeChat
    carry only `text`."""

    channel: str
    to: str
    text: str
    kind: str = MessageKind.NOTIFICATION
    template_code: str = ""
    params: dict[str, str] = field(default_factory=dict)
    sign_name: str = ""


@dataclass(frozen=True)
class Receipt:
    """回执: the vendor's word on one message (delivered or not, and when)."""

    vendor_ref: str  # BizId
    out_id: str  # our key
    phone: str
    delivered: bool
    error_code: str
    at: dt.datetime | None


@dataclass(frozen=True)
class Reply:
    """上行短信: a text a customer sent back."""

    phone: str
    content: str
    sign_name: str
    at: dt.datetime | None
    reply_id: str


class RetryLater(Exception):  # noqa: N818 - a decision, named as the outbox reads it
    """The vendor refused for now (rate limit, its own fault, network): try again with back-off."""

    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code


class GiveUp(Exception):  # noqa: N818
    """The vendor will never send this (bad number, unapproved template, wrong key): stop trying."""

    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code


class MessageProvider(Protocol):
    vendor: str

    def send(self, *, message: OutboundMessage, key: str) -> str:
        """Send one message; return the vendor's reference. `key` is stable across retries (the outbox
        row), passed to the vendor where it takes one (Aliyun OutId, Tencent SessionContext).
        Raises RetryLater or GiveUp; any other exception is retried."""


def mask_address(to: str) -> str:
    """138****5678 / z***@example.com: what a log line may show of an address."""
    if "@" in to:
        local, _sep, domain = to.rpartition("@")
        return f"{local[:1]}***@{domain}"
    return to[:3] + "****" + to[-4:] if len(to) >= 7 else to


class LogProvider:
    """Default provider: writes the message to the log (no outside account needed)."""

    vendor = Vendor.LOG.value

    def send(self, *, message: OutboundMessage, key: str) -> str:
        text = with_unsubscribe(message.text, vendor=self.vendor, kind=message.kind)
        log.info("[%s] %s → %s: %s%s", message.channel, key, mask_address(message.to), text,
                 f" (template {message.template_code})" if message.template_code else "")
        return f"log-{key}"
