"""企业微信应用消息 (WeCom application messages to staff) through WeCom's documented HTTP API.

gettoken (corpid + corpsecret → access_token, cached in Redis until expires_in minus a margin) and
message/send (agentid, touser, a textcard linking to the page in the store, or text). errcodes map to the
outbox's decision: a token WeCom no longer takes (42001 / 40014 / 41001) is fetched again once and the send
retried; busy (-1) and frequency limits (45009 / 45033) are retried later; an unknown user (60111 / 81013 /
40003), a wrong agent or secret is given up. Every send asks for WeCom's duplicate check over its longest
window (4 hours), so the outbox's re-send of a row a killed worker left 'sending' is dropped by WeCom if
the first one got through; after that window the outbox does not re-send (see `duplicate_window`).

Plain `requests` rather than wechatpy: wechatpy 1.8.18's work client fetches its token from the hard-coded
qyapi.weixin.qq.com (not its API_BASE_URL), names its token cache after the secret's first ten characters
and retries a token error without bound.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from typing import Any

import requests
from django.core.cache import cache

from .base import GiveUp, OutboundMessage, RetryLater

log = logging.getLogger(__name__)

DEFAULT_API_BASE = "https://qyapi.weixin.qq.com/cgi-bin/"
VENDOR = CHANNEL = "wecom"  # the vendor, and the outbox channel of staff notices
TOKEN_MARGIN_S = 300  # a cached token is dropped this long before WeCom's expires_in
DUPLICATE_CHECK_S = 14400  # message/send duplicate_check_interval: at most 4 hours (documented)

# errcodes (developer.work.weixin.qq.com/document/path/90313) and what the outbox does with them.
TOKEN_CODES = {42001, 40014, 41001}  # expired / invalid / missing access_token: fetch a new one once
RETRY_CODES = {-1, 45009, 45033, 45011}  # busy, API frequency, concurrency: later
# Anything else (60111 / 81013 / 40003 user, 40056 agent, 40001 / 40013 secret / corp, 60020 IP) is given up.

TITLE_MAX_BYTES, DESCRIPTION_MAX_BYTES, TEXT_MAX_BYTES = 128, 512, 2048


def _cut(text: str, limit: int) -> str:
    """At most `limit` UTF-8 bytes (WeCom counts bytes), cut at a character boundary."""
    data = text.encode()
    return text if len(data) <= limit else data[:limit].decode(errors="ignore")


def decision(code: int, message: str = "") -> Exception:
    """The outbox's decision for a WeCom errcode: RetryLater or GiveUp."""
    return RetryLater(str(code), message) if code in RETRY_CODES or code in TOKEN_CODES else GiveUp(str(code), message)


class WeComApp:
    """One group's WeCom self-built application (自建应用): corp id, agent id and its secret."""

    vendor = VENDOR
    duplicate_window = dt.timedelta(seconds=DUPLICATE_CHECK_S)

    def __init__(self, *, corp_id: str, agent_id: str, secret: str, api_base: str = "", timeout_s: int = 5) -> None:
        self._corp_id, self._agent_id, self._secret = corp_id, agent_id, secret
        base = api_base or DEFAULT_API_BASE
        self._base = base if base.endswith("/") else f"{base}/"
        self._timeout = timeout_s
        # Named by a digest: the cache key never carries the secret, and a new secret starts a new token.
        digest = hashlib.sha256(f"{corp_id}\n{agent_id}\n{secret}".encode()).hexdigest()[:24]
        self.cache_key = f"wecom:token:{digest}"

    def _call(self, method: str, path: str, *, params: dict[str, Any], body: dict[str, Any] | None = None
              ) -> dict[str, Any]:
        try:
            response = requests.request(method, f"{self._base}{path}", params=params, timeout=self._timeout,
                                        data=json.dumps(body, ensure_ascii=False).encode() if body else None,
                                        headers={"Content-Type": "application/json"} if body else None)
            response.raise_for_status()
            result = response.json()
        except (requests.RequestException, ValueError) as exc:
            # Never the URL: its query carries the access token (or, for gettoken, the secret).
            raise RetryLater("network", type(exc).__name__) from None
        if not isinstance(result, dict):
            raise RetryLater("bad-response")
        return result

    def token(self, *, refresh: bool = False) -> str:
        """The application's access_token (gettoken), from the cache unless `refresh`."""
        if not refresh:
            cached = cache.get(self.cache_key)
            if cached:
                return str(cached)
        result = self._call("GET", "gettoken", params={"corpid": self._corp_id, "corpsecret": self._secret})
        code = int(result.get("errcode") or 0)
        if code != 0 or not result.get("access_token"):
            # 40001 / 40091 here is a wrong secret, 40013 a wrong corp id: nothing a retry mends.
            raise RetryLater(str(code), str(result.get("errmsg", ""))) if code in RETRY_CODES else \
                GiveUp(str(code), str(result.get("errmsg", "")))
        expires_in = int(result.get("expires_in") or 7200)
        cache.set(self.cache_key, result["access_token"], timeout=max(expires_in - TOKEN_MARGIN_S, 1))
        return str(result["access_token"])

    def payload(self, message: OutboundMessage) -> dict[str, Any]:
        """The message/send body: a textcard when the notice links to a page, else text."""
        title = message.params.get("title", "")
        url = message.params.get("url", "")
        body: dict[str, Any] = {"touser": message.to, "agentid": int(self._agent_id), "enable_duplicate_check": 1,
                                "duplicate_check_interval": DUPLICATE_CHECK_S}
        if url:
            body["msgtype"] = "textcard"
            body["textcard"] = {"title": _cut(title or message.text, TITLE_MAX_BYTES),
                                "description": _cut(message.text or title, DESCRIPTION_MAX_BYTES),
                                "url": url}
            if message.params.get("button"):  # WeCom's default is 详情
                body["textcard"]["btntxt"] = _cut(message.params["button"], 12)
        else:
            body["msgtype"] = "text"
            body["text"] = {"content": _cut("\n".join(p for p in (title, message.text) if p), TEXT_MAX_BYTES)}
        return body

    def send(self, *, message: OutboundMessage, key: str) -> str:
        """message/send to one WeCom user id; returns WeCom's msgid. A rejected token is renewed once."""
        body = self.payload(message)
        result: dict[str, Any] = {}
        for attempt in range(2):
            result = self._call("POST", "message/send", params={"access_token": self.token(refresh=attempt > 0)},
                                body=body)
            code = int(result.get("errcode") or 0)
            if code in TOKEN_CODES and attempt == 0:
                cache.delete(self.cache_key)
                continue
            break
        code = int(result.get("errcode") or 0)
        if code != 0:
            raise decision(code, str(result.get("errmsg", "")))
        invalid = {u for u in str(result.get("invaliduser") or "").split("|") if u}
        if message.to in invalid:
            raise GiveUp("81013", "invaliduser")
        log.info("wecom %s sent (msgid %s)", key, result.get("msgid", ""))
        return str(result.get("msgid") or f"wecom-{key}")
