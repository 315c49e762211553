"""阿里云短信 (Aliyun SMS, Dysmsapi 2017-05-25) through its official SDK.

SendSms (SignName / TemplateCode / TemplateParam, our outbox key as OutId), QuerySendDetails for
delivery receipts, and the receipt / reply (上行) pushes parsed into plain rows. The SDK signs with
ACS3-HMAC-SHA256 (signature v3); tests point `endpoint` at a local server that checks it.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from alibabacloud_dysmsapi20170525 import models as sms_models
from alibabacloud_dysmsapi20170525.client import Client
from alibabacloud_tea_openapi.exceptions import AlibabaCloudException, ServerException, ThrottlingException
from alibabacloud_tea_openapi.utils_models import Config
from darabonba.runtime import RuntimeOptions

from .base import GiveUp, MessageKind, OutboundMessage, Receipt, Reply, RetryLater, Vendor, with_unsubscribe

DEFAULT_ENDPOINT = "dysmsapi.aliyuncs.com"

# The vendor's error codes (SendSms Code) and what the outbox does with them. Anything not listed and
# not "OK" is given up: an unknown refusal repeated six times only costs quota.
RETRY_CODES = {
    "isv.BUSINESS_LIMIT_CONTROL",  # per-number frequency limit (1/min, 5/h, 10/day)
    "isv.DAY_LIMIT_CONTROL",
    "isv.OUT_OF_SERVICE",  # arrears: the group tops up, then it goes
    "isv.AMOUNT_NOT_ENOUGH",
    "SignatureNonceUsed",
    "Throttling.User",
    "isp.SYSTEM_ERROR",
    "isp.RAM_PERMISSION_DENY",
    "ServiceUnavailable",
}
GIVE_UP_CODES = {
    "isv.MOBILE_NUMBER_ILLEGAL",
    "isv.MOBILE_COUNT_OVER_LIMIT",
    "isv.SMS_TEMPLATE_ILLEGAL",
    "isv.SMS_SIGNATURE_ILLEGAL",
    "isv.TEMPLATE_MISSING_PARAMETERS",
    "isv.INVALID_PARAMETERS",
    "isv.PARAM_LENGTH_LIMIT",
    "isv.BLACK_KEY_CONTROL_LIMIT",
    "isv.DENY_IP_RANGE",
    "InvalidAccessKeyId.NotFound",
    "SignatureDoesNotMatch",
    "IncompleteSignature",
}


def decision(code: str, message: str = "") -> Exception:
    """The outbox's decision for a vendor error code: RetryLater or GiveUp."""
    if code in RETRY_CODES or code.startswith(("isp.", "Throttling")):
        return RetryLater(code, message)
    return GiveUp(code, message)


def _time(value: Any) -> dt.datetime | None:
    if not value:
        return None
    try:
        return dt.datetime.strptime(str(value), "%Y-%m-%d %H:%M:%S").replace(tzinfo=dt.timezone(dt.timedelta(hours=8)))
    except ValueError:
        return None


class AliyunSms:
    """One group's Aliyun SMS account."""

    vendor = Vendor.ALIYUN.value

    def __init__(self, *, access_key_id: str, access_key_secret: str, endpoint: str = "",
                 protocol: str = "https", timeout_ms: int = 5000) -> None:
        self._client = Client(Config(access_key_id=access_key_id, access_key_secret=access_key_secret,
                                     endpoint=endpoint or DEFAULT_ENDPOINT, protocol=protocol))
        self._runtime = RuntimeOptions(read_timeout=timeout_ms, connect_timeout=timeout_ms, autoretry=False)

    def _call(self, method: str, request: Any) -> Any:
        try:
            return getattr(self._client, method)(request, self._runtime).body
        except ThrottlingException as exc:
            raise RetryLater(str(exc.code or "Throttling"), str(exc.message or "")) from exc
        except ServerException as exc:
            raise RetryLater(str(exc.code or "ServerError"), str(exc.message or "")) from exc
        except AlibabaCloudException as exc:  # 4xx: wrong key, bad signature, bad request
            raise decision(str(exc.code or ""), str(exc.message or "")) from exc

    def send(self, *, message: OutboundMessage, key: str) -> str:
        """SendSms; returns the BizId (the receipts' reference)."""
        if not message.template_code or not message.sign_name:
            raise GiveUp("NoTemplate", "no approved template or signature")
        params = dict(message.params)
        request = sms_models.SendSmsRequest(phone_numbers=message.to, sign_name=message.sign_name,
                                            template_code=message.template_code,
                                            template_param=json.dumps(params, ensure_ascii=False), out_id=key)
        body = self._call("send_sms_with_options", request)
        if body.code != "OK":
            raise decision(str(body.code), str(body.message or ""))
        return str(body.biz_id)

    def _details(self, *, phone: str, send_date: dt.date, biz_id: str = "") -> list[Any]:
        request = sms_models.QuerySendDetailsRequest(phone_number=phone, send_date=send_date.strftime("%Y%m%d"),
                                                     biz_id=biz_id or None, page_size=50, current_page=1)
        body = self._call("query_send_details_with_options", request)
        if body.code != "OK":
            raise decision(str(body.code), str(body.message or ""))
        return list(body.sms_send_detail_dtos.sms_send_detail_dto or []) if body.sms_send_detail_dtos else []

    def send_details(self, *, phone: str, send_date: dt.date, biz_id: str = "") -> list[Receipt]:
        """QuerySendDetails: the final receipts of one number on one day (optionally one BizId)."""
        rows = self._details(phone=phone, send_date=send_date, biz_id=biz_id)
        # SendStatus: 1 waiting for the receipt, 2 failed, 3 delivered.
        return [Receipt(vendor_ref=biz_id, out_id=str(r.out_id or ""), phone=str(r.phone_num or ""),
                        delivered=str(r.send_status) == "3", error_code=str(r.err_code or ""),
                        at=_time(r.receive_date)) for r in rows if str(r.send_status) in {"2", "3"}]

    def find_sent(self, *, phone: str, key: str, day: dt.date) -> str | None:
        """Did the vendor take a message with this key (OutId) for this number that day? Its BizId, or None.
        QuerySendDetails rows do not carry the BizId, so the row's own reference is the key itself."""
        rows = self._details(phone=phone, send_date=day)
        return f"outid:{key}" if any(str(r.out_id or "") == key for r in rows) else None


def parse_receipts(payload: Any) -> list[Receipt]:
    """The SmsReport push (a JSON list): biz_id, out_id, phone_number, success, err_code, report_time."""
    rows = payload if isinstance(payload, list) else []
    return [Receipt(vendor_ref=str(r.get("biz_id", "")), out_id=str(r.get("out_id", "")),
                    phone=str(r.get("phone_number", "")), delivered=bool(r.get("success")),
                    error_code=str(r.get("err_code", "")), at=_time(r.get("report_time")))
            for r in rows if isinstance(r, dict)]


def parse_replies(payload: Any) -> list[Reply]:
    """The SmsUp push (a JSON list): phone_number, content, sign_name, send_time, sequence_id."""
    rows = payload if isinstance(payload, list) else []
    return [Reply(phone=str(r.get("phone_number", "")), content=str(r.get("content", "")),
                  sign_name=str(r.get("sign_name", "")), at=_time(r.get("send_time")),
                  reply_id=str(r.get("sequence_id", ""))) for r in rows if isinstance(r, dict)]


__all__ = ["AliyunSms", "MessageKind", "Receipt", "Reply", "decision", "parse_receipts", "parse_replies",
           "with_unsubscribe"]
