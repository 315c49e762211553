"""腾讯云短信 (Tencent Cloud SMS, API 2021-01-11) through its official SDK.

SendSms (SmsSdkAppId, SignName, TemplateId, TemplateParamSet; our outbox key as SessionContext),
PullSmsSendStatus for delivery receipts, PullSmsReplyStatus for replies (上行), and the receipt / reply
callbacks parsed into plain rows. The SDK signs with TC3-HMAC-SHA256; tests point `endpoint` at a local
server that checks it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tencentcloud.common import credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.sms.v20210111 import models, sms_client

from .base import GiveUp, OutboundMessage, Receipt, Reply, RetryLater, Vendor

DEFAULT_ENDPOINT = "sms.tencentcloudapi.com"
CN = "+86"

# The vendor's error codes and what the outbox does with them: limits and the vendor's own faults are
# retried later; a bad number, template, signature or key is given up.
RETRY_PREFIXES = ("LimitExceeded.", "InternalError.", "RequestLimitExceeded", "ResourceUnavailable.")
RETRY_CODES = {"FailedOperation.InsufficientBalanceInSmsPackage", "InternalError", "ClientNetworkError",
               "ServerNetworkError"}


def decision(code: str, message: str = "") -> Exception:
    """The outbox's decision for a vendor error code: RetryLater or GiveUp."""
    if code in RETRY_CODES or code.startswith(RETRY_PREFIXES):
        return RetryLater(code, message)
    return GiveUp(code, message)


def _local(phone: str) -> str:
    return phone.removeprefix(CN)


def _at(unix: Any) -> dt.datetime | None:
    try:
        return dt.datetime.fromtimestamp(int(unix), tz=dt.UTC) if unix else None
    except (TypeError, ValueError):
        return None


class TencentSms:
    """One group's Tencent Cloud SMS application."""

    vendor = Vendor.TENCENT.value

    def __init__(self, *, secret_id: str, secret_key: str, app_id: str, endpoint: str = "", protocol: str = "https",
                 region: str = "ap-guangzhou", timeout_s: int = 5) -> None:
        http = HttpProfile(protocol=protocol, endpoint=endpoint or DEFAULT_ENDPOINT, reqTimeout=timeout_s)
        self._client = sms_client.SmsClient(credential.Credential(secret_id, secret_key), region,
                                            ClientProfile(httpProfile=http))
        self._app_id = app_id

    def _call(self, action: str, request: Any) -> Any:
        try:
            return getattr(self._client, action)(request)
        except TencentCloudSDKException as exc:
            raise decision(str(exc.get_code() or ""), str(exc.get_message() or "")) from exc

    def send(self, *, message: OutboundMessage, key: str) -> str:
        """SendSms to one number; returns the SerialNo (the receipts' reference)."""
        if not message.template_code or not message.sign_name:
            raise GiveUp("NoTemplate", "no approved template or signature")
        request = models.SendSmsRequest()
        request.PhoneNumberSet = [f"{CN}{_local(message.to)}"]
        request.SmsSdkAppId = self._app_id
        request.SignName = message.sign_name
        request.TemplateId = message.template_code
        request.TemplateParamSet = [str(v) for v in message.params.values()]  # positional, in template order
        request.SessionContext = key
        response = self._call("SendSms", request)
        status = (response.SendStatusSet or [None])[0]
        if status is None:
            raise RetryLater("EmptyResponse")
        if status.Code != "Ok":
            raise decision(str(status.Code), str(status.Message or ""))
        return str(status.SerialNo)

    def find_sent(self, *, phone: str, key: str, day: dt.date) -> str | None:
        """PullSmsSendStatusByPhoneNumber: the SerialNo of a message with this key (SessionContext), or None."""
        start = dt.datetime.combine(day, dt.time(0), tzinfo=dt.timezone(dt.timedelta(hours=8)))
        request = models.PullSmsSendStatusByPhoneNumberRequest()
        request.BeginTime = int(start.timestamp())
        request.EndTime = int((start + dt.timedelta(days=2)).timestamp())
        request.Offset, request.Limit = 0, 100
        request.PhoneNumber = f"{CN}{_local(phone)}"
        request.SmsSdkAppId = self._app_id
        rows = self._call("PullSmsSendStatusByPhoneNumber", request).PullSmsSendStatusSet or []
        return next((str(r.SerialNo) for r in rows if r.SessionContext == key), None)

    def pull_receipts(self, limit: int = 100) -> list[Receipt]:
        """PullSmsSendStatus: receipts not pulled before (the vendor hands each out once)."""
        request = models.PullSmsSendStatusRequest()
        request.Limit, request.SmsSdkAppId = limit, self._app_id
        rows = self._call("PullSmsSendStatus", request).PullSmsSendStatusSet or []
        return [Receipt(vendor_ref=str(r.SerialNo or ""), out_id=str(r.SessionContext or ""),
                        phone=_local(str(r.PhoneNumber or "")), delivered=r.ReportStatus == "SUCCESS",
                        error_code="" if r.ReportStatus == "SUCCESS" else str(r.Description or ""),
                        at=_at(r.UserReceiveTime)) for r in rows]

    def pull_replies(self, limit: int = 100) -> list[Reply]:
        """PullSmsReplyStatus: replies (上行) not pulled before."""
        request = models.PullSmsReplyStatusRequest()
        request.Limit, request.SmsSdkAppId = limit, self._app_id
        rows = self._call("PullSmsReplyStatus", request).PullSmsReplyStatusSet or []
        return [Reply(phone=_local(str(r.PhoneNumber or "")), content=str(r.ReplyContent or ""),
                      sign_name=str(r.SignName or ""), at=_at(r.ReplyTime), reply_id=str(r.ReplyTime or ""))
                for r in rows]


def parse_receipts(payload: Any) -> list[Receipt]:
    """The receipt callback (a JSON list): sid, mobile, report_status, errmsg, user_receive_time, ext."""
    rows = payload if isinstance(payload, list) else []
    out = []
    for r in rows:
        if not isinstance(r, dict):
            continue
        at = None
        try:
            at = dt.datetime.strptime(str(r.get("user_receive_time", "")), "%Y-%m-%d %H:%M:%S").replace(
                tzinfo=dt.timezone(dt.timedelta(hours=8)))
        except ValueError:
            pass
        ok = r.get("report_status") == "SUCCESS"
        out.append(Receipt(vendor_ref=str(r.get("sid", "")), out_id=str(r.get("ext", "")),
                           phone=_local(str(r.get("mobile", ""))), delivered=ok,
                           error_code="" if ok else str(r.get("errmsg", "")), at=at))
    return out


def parse_replies(payload: Any) -> list[Reply]:
    """The reply callback (one JSON object): mobile, text, sign, reply_time, extend."""
    rows = payload if isinstance(payload, list) else [payload] if isinstance(payload, dict) else []
    return [Reply(phone=_local(str(r.get("mobile", ""))), content=str(r.get("text", "")), sign_name=str(r.get("sign", "")),
                  at=_at(r.get("time")), reply_id=str(r.get("time", ""))) for r in rows if isinstance(r, dict)]
