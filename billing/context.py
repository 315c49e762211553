"""The billing banner for the base layout: HQ and store managers see a grace period or a lapse."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext

from tenants.access import store_membership
from tenants.roles import StoreRole
from tenants.selectors import groups_for_user

from .models import BillingAccount
from .selectors import payment_state
from .services.mirror import cn_date

MANAGER_ROLES = {StoreRole.GENERAL_MANAGER, StoreRole.SALES_MANAGER, StoreRole.SERVICE_MANAGER}


def _banner(account: BillingAccount, *, for_hq: bool) -> dict[str, str] | None:
    state = payment_state(account)
    if state.in_grace and state.grace_until is not None:
        action = gettext("请尽快在“订阅与账单”中更新付款方式") if for_hq else gettext("请联系集团总部处理")
        text = gettext("集团订阅扣款失败，宽限期至 %(date)s，逾期各门店将转为只读。%(action)s。") % {
            "date": cn_date(state.grace_until), "action": action}
        return {"level": "warning", "text": text}
    if state.read_only and for_hq:
        text = gettext("%(group)s 的订阅已逾期或终止，各门店当前为只读；恢复付款后立即恢复。") % {"group": account.group.name}
        return {"level": "danger", "text": text}
    return None


def billing_banner(request: HttpRequest) -> dict[str, Any]:
    """Context processor: `billing_banner` for templates/billing/_banner.html, or nothing."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    store = getattr(request, "tenant", None)
    if store is not None:
        membership = store_membership(request)
        if membership is None or membership.role not in MANAGER_ROLES:
            return {}
        account = BillingAccount.objects.select_related("group").filter(group_id=store.group_id).first()
        banner = _banner(account, for_hq=False) if account else None
        return {"billing_banner": banner} if banner else {}
    group_ids = [m.group_id for m in getattr(request, "_group_memberships", None) or groups_for_user(user)]
    for account in BillingAccount.objects.select_related("group").filter(group_id__in=group_ids).order_by("group_id"):
        banner = _banner(account, for_hq=True)
        if banner:
            return {"billing_banner": banner}
    return {}
