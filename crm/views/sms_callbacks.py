"""Vendor callbacks (base domain, no sign-in): delivery receipts and replies for a group's SMS account.

The URL's token names the group's account (hq.SmsAccount.callback_token, unguessable); each row is then
routed by the vendor reference a store of that group recorded when it sent (crm.messaging). Anything else
is ignored: a forged or misdirected push cannot reach another group's or another store's rows.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext_noop
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from hq.services.messaging import sms_account_by_callback
from tenants.messaging import aliyun, tencent
from tenants.messaging.base import Vendor

from ..messaging import receipts_route, replies_route

MAX_BODY = 1024 * 1024
# The answers each vendor's documentation asks for (its own words, not translated).
ALIYUN_OK = {"code": 0, "msg": gettext_noop("成功")}
TENCENT_OK = {"result": 0, "errmsg": "OK"}


def _payload(request: HttpRequest) -> Any:
    if len(request.body) > MAX_BODY:
        return None
    try:
        return json.loads(request.body or b"null")
    except ValueError:
        return None


@csrf_exempt
@require_POST
def sms_callback(request: HttpRequest, vendor: str, token: str, kind: str) -> HttpResponse:
    """POST /sms/callback/<vendor>/<token>/<report|reply>/"""
    if vendor not in (Vendor.ALIYUN, Vendor.TENCENT) or kind not in ("report", "reply"):
        return JsonResponse({"error": "not found"}, status=404)
    account = sms_account_by_callback(token, vendor)
    payload = _payload(request)
    if account is None:
        return JsonResponse({"error": "not found"}, status=404)
    if payload is None:
        return JsonResponse({"error": "bad request"}, status=400)
    module: Any = aliyun if vendor == Vendor.ALIYUN else tencent
    if kind == "report":
        receipts_route(group_id=account.group_id, vendor=vendor, receipts=module.parse_receipts(payload))
    else:
        replies_route(group_id=account.group_id, replies=module.parse_replies(payload))
    return JsonResponse(ALIYUN_OK if vendor == Vendor.ALIYUN else TENCENT_OK)
