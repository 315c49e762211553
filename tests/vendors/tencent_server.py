"""A local Tencent Cloud SMS (2021-01-11) peer: SendSms, PullSmsSendStatus, PullSmsSendStatusByPhoneNumber and
PullSmsReplyStatus, checking TC3-HMAC-SHA256.

The check is the documented one: canonical request = method, "/", query, "content-type:…\\nhost:…\\n",
"content-type;host", hex SHA-256 of the body; string to sign = "TC3-HMAC-SHA256", the timestamp, the
credential scope (date/sms/tc3_request) and hex SHA-256 of the canonical request; the key is derived
HMAC("TC3"+SecretKey, date) → HMAC(·, "sms") → HMAC(·, "tc3_request").
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from .common import LocalServer

MOBILE = re.compile(r"^\+861[3-9]\d{9}$")
JSON = "application/json"


def _hmac(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


@dataclass
class TencentPeer:
    keys: dict[str, str]  # SecretId → SecretKey
    app_id: str
    signatures: set[str] = field(default_factory=set)
    templates: dict[str, int] = field(default_factory=dict)  # TemplateId → number of parameters
    limited: set[str] = field(default_factory=set)
    delay_s: float = 0.0
    sent: list[dict[str, Any]] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    replies: list[dict[str, Any]] = field(default_factory=list)  # queued for PullSmsReplyStatus
    pulled: set[str] = field(default_factory=set)  # SerialNos whose receipt was handed out
    lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> LocalServer:
        self.server = LocalServer(self.handle)
        return self.server

    def _verify(self, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[str, str] | None:
        auth = headers.get("authorization", "")
        m = re.fullmatch(r"TC3-HMAC-SHA256 Credential=([^/]+)/(\d{4}-\d{2}-\d{2})/sms/tc3_request, "
                         r"SignedHeaders=content-type;host, Signature=([0-9a-f]{64})", auth)
        if not m:
            return "AuthFailure.InvalidAuthorization", "Authorization header is malformed"
        secret_id, date, signature = m.groups()
        secret = self.keys.get(secret_id)
        if secret is None:
            return "AuthFailure.SecretIdNotFound", "The SecretId is not found"
        stamp = headers.get("x-tc-timestamp", "")
        if not stamp.isdigit() or dt.datetime.fromtimestamp(int(stamp), tz=dt.UTC).strftime("%Y-%m-%d") != date:
            return "AuthFailure.SignatureFailure", "the credential date is not the timestamp's"
        if abs(int(stamp) - time.time()) > 86400 * 400:  # tests move the clock; a day's skew is still refused
            return "AuthFailure.SignatureExpire", "signature expired"
        canonical = (f"{method}\n{path.split('?')[0] or '/'}\n\ncontent-type:{headers.get('content-type', '')}\n"
                     f"host:{headers.get('host', '')}\n\ncontent-type;host\n{hashlib.sha256(body).hexdigest()}")
        to_sign = (f"TC3-HMAC-SHA256\n{stamp}\n{date}/sms/tc3_request\n"
                   f"{hashlib.sha256(canonical.encode()).hexdigest()}")
        key = _hmac(_hmac(_hmac(("TC3" + secret).encode(), date), "sms"), "tc3_request")
        if not hmac.compare_digest(hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest(), signature):
            return "AuthFailure.SignatureFailure", "The provided credentials could not be validated."
        return None

    def handle(self, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, Any, str]:
        request_id = str(uuid.uuid4())
        action = headers.get("x-tc-action", "")
        bad = self._verify(method, path, headers, body)
        if bad is None and headers.get("x-tc-version") != "2021-01-11":
            bad = ("InvalidParameter", "version")
        if bad is not None:
            with self.lock:
                self.refused.append((action, bad[0]))
            return 200, {"Response": {"Error": {"Code": bad[0], "Message": bad[1]}, "RequestId": request_id}}, JSON
        p = json.loads(body or b"{}")
        if p.get("SmsSdkAppId") != self.app_id:
            return 200, {"Response": {"Error": {"Code": "FailedOperation.SmsSdkAppIdVerifyFail",
                                                "Message": "SmsSdkAppId"}, "RequestId": request_id}}, JSON
        result = getattr(self, f"_{action}", None)
        if result is None:
            return 200, {"Response": {"Error": {"Code": "InvalidAction", "Message": action}, "RequestId": request_id}}, JSON
        return 200, {"Response": {**result(p), "RequestId": request_id}}, JSON

    def _status(self, phone: str, code: str, message: str, session: str, serial: str = "") -> dict[str, Any]:
        return {"SerialNo": serial, "PhoneNumber": phone, "Fee": 1 if code == "Ok" else 0, "SessionContext": session,
                "Code": code, "Message": message, "IsoCode": "CN"}

    def _SendSms(self, p: dict[str, Any]) -> dict[str, Any]:  # noqa: N802 - the vendor's action name
        if self.delay_s:
            time.sleep(self.delay_s)
        out = []
        for phone in p.get("PhoneNumberSet") or []:
            code = "Ok"
            if not MOBILE.match(phone):
                code = "InvalidParameterValue.IncorrectPhoneNumber"
            elif p.get("SignName") not in self.signatures:
                code = "FailedOperation.SignatureIncorrectOrUnapproved"
            elif p.get("TemplateId") not in self.templates:
                code = "FailedOperation.TemplateIncorrectOrUnapproved"
            elif len(p.get("TemplateParamSet") or []) != self.templates[p["TemplateId"]]:
                code = "InvalidParameterValue.TemplateParameterFormatError"
            elif any(not str(v) for v in p.get("TemplateParamSet") or []):
                code = "InvalidParameterValue.TemplateParameterFormatError"
            elif phone in self.limited:
                code = "LimitExceeded.PhoneNumberDailyLimit"
            if code != "Ok":
                with self.lock:
                    self.refused.append(("SendSms", code))
                out.append(self._status(phone, code, code, p.get("SessionContext", "")))
                continue
            serial = f"2433:{uuid.uuid4().int % 10**20}"
            with self.lock:
                self.sent.append({"phone": phone, "sign": p["SignName"], "template": p["TemplateId"],
                                  "params": list(p.get("TemplateParamSet") or []), "session": p.get("SessionContext", ""),
                                  "serial": serial, "at": int(time.time())})
            out.append(self._status(phone, "Ok", "send success", p.get("SessionContext", ""), serial))
        return {"SendStatusSet": out}

    def _row(self, s: dict[str, Any]) -> dict[str, Any]:
        return {"UserReceiveTime": s["at"] + 3, "CountryCode": "86", "SubscriberNumber": s["phone"][3:],
                "PhoneNumber": s["phone"], "SerialNo": s["serial"], "ReportStatus": "SUCCESS",
                "Description": "DELIVRD", "SessionContext": s["session"]}

    def _PullSmsSendStatus(self, p: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        with self.lock:
            fresh = [s for s in self.sent if s["serial"] not in self.pulled][: int(p.get("Limit") or 100)]
            self.pulled |= {s["serial"] for s in fresh}
        return {"PullSmsSendStatusSet": [self._row(s) for s in fresh]}

    def _PullSmsSendStatusByPhoneNumber(self, p: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        with self.lock:
            rows = [s for s in self.sent if s["phone"] == p.get("PhoneNumber")
                    and int(p.get("BeginTime") or 0) <= s["at"] <= int(p.get("EndTime") or 2**40)]
        return {"PullSmsSendStatusSet": [self._row(s) for s in rows]}

    def _PullSmsReplyStatus(self, p: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        with self.lock:
            rows, self.replies = self.replies, []
        return {"PullSmsReplyStatusSet": rows}

    def reply(self, phone: str, text: str, sign: str) -> None:
        """A customer texts back (queued for the next PullSmsReplyStatus)."""
        now = int(time.time())
        with self.lock:
            self.replies.append({"ExtendCode": "", "CountryCode": "86", "PhoneNumber": f"+86{phone}", "SignName": sign,
                                 "ReplyContent": text, "ReplyTime": now,
                                 "SubscriberNumber": phone})
