"""The platform's own SMS account (staff invitations, reset codes), from settings — not a group's.

ACCOUNT_SMS_PROVIDER = "tenants.messaging.platform.PlatformSms" with PLATFORM_SMS_VENDOR (aliyun / tencent),
PLATFORM_SMS_KEY_ID, PLATFORM_SMS_SECRET, PLATFORM_SMS_APP_ID (Tencent) and optionally PLATFORM_SMS_ENDPOINT.
"""

from __future__ import annotations

from django.conf import settings

from .aliyun import AliyunSms
from .base import LogProvider, MessageProvider, OutboundMessage, Vendor
from .tencent import TencentSms


class PlatformSms:
    def __init__(self) -> None:
        vendor = getattr(settings, "PLATFORM_SMS_VENDOR", "")
        key_id, secret = getattr(settings, "PLATFORM_SMS_KEY_ID", ""), getattr(settings, "PLATFORM_SMS_SECRET", "")
        endpoint = getattr(settings, "PLATFORM_SMS_ENDPOINT", "")
        protocol = getattr(settings, "PLATFORM_SMS_PROTOCOL", "https")
        self._client: MessageProvider
        if vendor == Vendor.ALIYUN:
            self._client = AliyunSms(access_key_id=key_id, access_key_secret=secret, endpoint=endpoint,
                                     protocol=protocol)
        elif vendor == Vendor.TENCENT:
            self._client = TencentSms(secret_id=key_id, secret_key=secret, app_id=getattr(settings, "PLATFORM_SMS_APP_ID", ""),
                                      endpoint=endpoint, protocol=protocol)
        else:
            self._client = LogProvider()
        self.vendor = self._client.vendor

    def send(self, *, message: OutboundMessage, key: str) -> str:
        return self._client.send(message=message, key=key)
