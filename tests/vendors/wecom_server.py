"""A local WeCom (企业微信) server: gettoken and message/send as documented
(developer.work.weixin.qq.com/document/path/91039, /90236, errcodes /90313).

gettoken checks corpid + corpsecret (40013 wrong corp, 40001 wrong secret) and hands out an access_token
valid for `expires_in` seconds (the same one while it is valid, as WeCom does); message/send checks the
token (41001 missing, 40014 unknown, 42001 expired), the agent (40056), the user (81013 for a single
unknown user), the message body, and honours enable_duplicate_check over duplicate_check_interval:
a repeat of the same message to the same user inside the window is answered ok but not delivered again.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .common import LocalServer

JSON = "application/json"


@dataclass
class WeComPeer:
    corp_id: str
    secret: str
    agent_id: int
    users: set[str] = field(default_factory=set)
    expires_in: int = 7200
    delay_s: float = 0.0
    busy: int = 0  # the next `busy` message/send calls answer -1 (系统繁忙)
    limited: set[str] = field(default_factory=set)  # users whose sends answer 45009 (接口调用超过限制)
    tokens: dict[str, float] = field(default_factory=dict)  # access_token → expiry (time.monotonic)
    token_calls: int = 0
    delivered: list[dict[str, Any]] = field(default_factory=list)
    filtered: list[dict[str, Any]] = field(default_factory=list)  # dropped by the duplicate check
    answers: list[int] = field(default_factory=list)  # every message/send errcode, in order
    requests: list[str] = field(default_factory=list)  # every request line (path with query)
    in_flight: int = 0
    holding: str = ""  # the url of the message being held right now (the kill test aims at it)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> LocalServer:
        self.server = LocalServer(self.handle)
        self.api_base = f"http://{self.server.endpoint}/cgi-bin/"
        return self.server

    def expire_tokens(self) -> None:
        """Every token handed out is now past its expiry (WeCom answers 42001)."""
        with self.lock:
            self.tokens = dict.fromkeys(self.tokens, 0.0)

    def revoke_tokens(self) -> None:
        """Every token handed out is now unknown (WeCom answers 40014, e.g. after the secret was reset)."""
        with self.lock:
            self.tokens.clear()

    def handle(self, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, Any, str]:
        self.requests.append(f"{method} {path}")
        url = urlsplit(path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path == "/cgi-bin/gettoken" and method == "GET":
            return 200, self._gettoken(query), JSON
        if url.path == "/cgi-bin/message/send" and method == "POST":
            result = self._send(query, body)
            self.answers.append(int(result["errcode"]))
            return 200, result, JSON
        return 404, {"errcode": 404, "errmsg": "not found"}, JSON

    def _gettoken(self, query: dict[str, str]) -> dict[str, Any]:
        self.token_calls += 1
        if query.get("corpid") != self.corp_id:
            return {"errcode": 40013, "errmsg": "invalid corpid"}
        if query.get("corpsecret") != self.secret:
            return {"errcode": 40001, "errmsg": "invalid credential"}
        now = time.monotonic()
        with self.lock:
            live = [t for t, until in self.tokens.items() if until > now]
            token = live[0] if live else secrets.token_urlsafe(32)
            if not live:
                self.tokens[token] = now + self.expires_in
            left = int(self.tokens[token] - now)
        return {"errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": left}

    def _send(self, query: dict[str, str], body: bytes) -> dict[str, Any]:
        token = query.get("access_token", "")
        if not token:
            return {"errcode": 41001, "errmsg": "access_token missing"}
        with self.lock:
            until = self.tokens.get(token)
        if until is None:
            return {"errcode": 40014, "errmsg": "invalid access_token"}
        if until <= time.monotonic():
            return {"errcode": 42001, "errmsg": "access_token expired"}
        try:
            msg = json.loads(body)
        except ValueError:
            return {"errcode": 47001, "errmsg": "data format error"}
        if self.busy > 0:
            self.busy -= 1
            return {"errcode": -1, "errmsg": "system busy"}
        if msg.get("agentid") != self.agent_id:
            return {"errcode": 40056, "errmsg": "invalid agentid"}
        kind = msg.get("msgtype")
        if kind not in ("text", "textcard") or not isinstance(msg.get(kind), dict):
            return {"errcode": 40008, "errmsg": "invalid message type"}
        content = msg[kind]
        if kind == "text" and not content.get("content"):
            return {"errcode": 44004, "errmsg": "text content is empty"}
        if kind == "textcard" and not (content.get("title") and content.get("description") and content.get("url")):
            return {"errcode": 41017, "errmsg": "missing textcard title, description or url"}
        if kind == "textcard" and len(content["title"].encode()) > 128:
            return {"errcode": 45002, "errmsg": "content size out of limit"}
        users = [u for u in str(msg.get("touser", "")).split("|") if u]
        known = [u for u in users if u in self.users]
        if not known:
            return {"errcode": 81013, "errmsg": "user & party & tag all invalid"}
        if any(u in self.limited for u in known):
            return {"errcode": 45009, "errmsg": "reach max api daily quota limit"}
        msgid = secrets.token_hex(16)
        if self.delay_s:
            self.holding = content.get("url", "")
            self.in_flight += 1
            time.sleep(self.delay_s)
            self.in_flight -= 1
        row = {"touser": "|".join(known), "msgtype": kind, **content, "msgid": msgid, "at": time.monotonic()}
        with self.lock:
            if msg.get("enable_duplicate_check") == 1:
                window = min(int(msg.get("duplicate_check_interval") or 1800), 4 * 3600)
                same = [d for d in self.delivered if d["touser"] == row["touser"] and d["msgtype"] == kind
                        and all(d.get(k) == v for k, v in content.items()) and row["at"] - d["at"] < window]
                if same:
                    self.filtered.append(row)
                    return {"errcode": 0, "errmsg": "ok", "invaliduser": "", "msgid": same[0]["msgid"]}
            self.delivered.append(row)
        invalid = "|".join(u for u in users if u not in self.users)
        return {"errcode": 0, "errmsg": "ok", "invaliduser": invalid, "msgid": msgid}
