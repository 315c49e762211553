"""A local Dysmsapi (2017-05-25) peer: SendSms and QuerySendDetails, checking ACS3-HMAC-SHA256 (signature v3).

The check is the documented one: canonical request = method, path, canonical query (keys sorted, values
percent-encoded), the signed headers (lower-case name:value, sorted), the signed-header list and the
hex SHA-256 of the body; string to sign = "ACS3-HMAC-SHA256\\n" + hex(SHA-256(canonical request));
signature = hex(HMAC-SHA256(secret, string to sign)).
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
from urllib.parse import parse_qsl, quote, urlsplit
from zoneinfo import ZoneInfo

from .common import LocalServer

SHANGHAI = ZoneInfo("Asia/Shanghai")
MOBILE = re.compile(r"^1[3-9]\d{9}$")


@dataclass
class Template:
    variables: list[str]


@dataclass
class AliyunPeer:
    keys: dict[str, str]  # AccessKey ID → secret
    signatures: set[str] = field(default_factory=set)
    templates: dict[str, Template] = field(default_factory=dict)
    limited: set[str] = field(default_factory=set)  # numbers answered with isv.BUSINESS_LIMIT_CONTROL
    delay_s: float = 0.0
    in_flight: int = 0  # SendSms requests being answered right now (the kill test aims at one)
    holding: str = ""  # the OutId of the latest of them
    sent: list[dict[str, Any]] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (action, code)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> LocalServer:
        self.server = LocalServer(self.handle)
        return self.server

    # --- the signature -------------------------------------------------------------------------------
    def _verify(self, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[str, str] | None:
        auth = headers.get("authorization", "")
        m = re.fullmatch(r"ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]+)", auth)
        if not m:
            return "IncompleteSignature", "The request signature does not conform to Aliyun standards."
        key_id, signed, signature = m.groups()
        secret = self.keys.get(key_id)
        if secret is None:
            return "InvalidAccessKeyId.NotFound", "Specified access key is not found."
        payload_hash = hashlib.sha256(body).hexdigest()
        if headers.get("x-acs-content-sha256") != payload_hash:
            return "SignatureDoesNotMatch", "content hash"
        names = signed.split(";")
        if not {"host", "x-acs-action", "x-acs-date", "x-acs-signature-nonce", "x-acs-version"} <= set(names):
            return "IncompleteSignature", "required headers are not signed"
        parts = urlsplit(path)
        query = sorted(parse_qsl(parts.query, keep_blank_values=True))
        canonical_query = "&".join(f"{k}={quote(v, safe='~')}" for k, v in query)
        canonical_headers = "".join(f"{n}:{headers.get(n, '').strip()}\n" for n in names)
        canonical = f"{method}\n{parts.path or '/'}\n{canonical_query}\n{canonical_headers}\n{signed}\n{payload_hash}"
        to_sign = "ACS3-HMAC-SHA256\n" + hashlib.sha256(canonical.encode()).hexdigest()
        expected = hmac.new(secret.encode(), to_sign.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, signature):
            return "SignatureDoesNotMatch", "Specified signature is not matched with our calculation."
        return None

    def handle(self, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, Any, str]:
        request_id = str(uuid.uuid4()).upper()
        bad = self._verify(method, path, headers, body)
        action = headers.get("x-acs-action", "")
        if bad is not None:
            with self.lock:
                self.refused.append((action, bad[0]))
            status = 404 if bad[0] == "InvalidAccessKeyId.NotFound" else 400
            return status, {"Code": bad[0], "Message": bad[1], "RequestId": request_id}, "application/json;charset=utf-8"
        params = dict(parse_qsl(urlsplit(path).query, keep_blank_values=True))
        if action == "SendSms":
            return 200, self._send(params, request_id), "application/json;charset=utf-8"
        if action == "QuerySendDetails":
            return 200, self._details(params, request_id), "application/json;charset=utf-8"
        return 404, {"Code": "InvalidAction.NotFound", "RequestId": request_id}, "application/json;charset=utf-8"

    def _refuse(self, code: str, request_id: str) -> dict[str, Any]:
        with self.lock:
            self.refused.append(("SendSms", code))
        return {"Code": code, "Message": code, "RequestId": request_id}

    def _send(self, p: dict[str, str], request_id: str) -> dict[str, Any]:
        if self.delay_s:
            self.holding = p.get("OutId", "")
            self.in_flight += 1
            time.sleep(self.delay_s)
            self.in_flight -= 1
        phone = p.get("PhoneNumbers", "")
        if not MOBILE.match(phone):
            return self._refuse("isv.MOBILE_NUMBER_ILLEGAL", request_id)
        if p.get("SignName") not in self.signatures:
            return self._refuse("isv.SMS_SIGNATURE_ILLEGAL", request_id)
        template = self.templates.get(p.get("TemplateCode", ""))
        if template is None:
            return self._refuse("isv.SMS_TEMPLATE_ILLEGAL", request_id)
        try:
            values = json.loads(p.get("TemplateParam") or "{}")
        except ValueError:
            return self._refuse("isv.INVALID_JSON_PARAM", request_id)
        if any(not str(values.get(v, "")) for v in template.variables):
            return self._refuse("isv.TEMPLATE_MISSING_PARAMETERS", request_id)
        if phone in self.limited:
            return self._refuse("isv.BUSINESS_LIMIT_CONTROL", request_id)
        biz_id = f"{uuid.uuid4().int % 10**15}^0"
        with self.lock:
            self.sent.append({"phone": phone, "sign": p["SignName"], "template": p["TemplateCode"], "params": values,
                              "out_id": p.get("OutId", ""), "biz_id": biz_id,
                              "date": dt.datetime.now(SHANGHAI).date()})
        return {"Code": "OK", "Message": "OK", "BizId": biz_id, "RequestId": request_id}

    def _details(self, p: dict[str, str], request_id: str) -> dict[str, Any]:
        day = dt.datetime.strptime(p.get("SendDate", ""), "%Y%m%d").date()
        with self.lock:
            rows = [s for s in self.sent if s["phone"] == p.get("PhoneNumber") and s["date"] == day
                    and (not p.get("BizId") or s["biz_id"] == p["BizId"])]
        dtos = [{"PhoneNum": s["phone"], "SendStatus": 3, "ErrCode": "DELIVERED", "TemplateCode": s["template"],
                 "Content": "", "SendDate": f"{day:%Y-%m-%d} 10:00:00", "ReceiveDate": f"{day:%Y-%m-%d} 10:00:05",
                 "OutId": s["out_id"]} for s in rows]
        return {"Code": "OK", "Message": "OK", "RequestId": request_id, "TotalCount": len(dtos),
                "SmsSendDetailDTOs": {"SmsSendDetailDTO": dtos}}
