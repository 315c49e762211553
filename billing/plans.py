"""套餐目录: the plans on sale, read from settings.BILLING_PLANS (never hard-coded in views)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .errors import UnknownPlan

INTERVALS = {"month": _("按月"), "year": _("按年")}


@dataclass(frozen=True)
class PlanPrice:
    code: str
    name: str
    interval: str
    unit_amount: int  # 分 (fen) per store per interval
    currency: str

    @property
    def stripe_plan_id(self) -> str:
        return f"{settings.BILLING_STRIPE_PLAN_PREFIX}{self.code}_{self.interval}"

    @property
    def stripe_product_id(self) -> str:
        return f"{settings.BILLING_STRIPE_PLAN_PREFIX}{self.code}"

    @property
    def interval_label(self) -> str:
        return str(INTERVALS[self.interval])


def plan_catalogue() -> list[PlanPrice]:
    """Every (plan, interval) on sale, in settings order."""
    out = []
    plans: dict[str, dict[str, Any]] = settings.BILLING_PLANS
    for code, spec in plans.items():
        for interval in INTERVALS:
            out.append(PlanPrice(code=code, name=str(spec["name"]), interval=interval,
                                 unit_amount=int(spec[interval]), currency=settings.BILLING_CURRENCY))
    return out


def plan_get(code: str, interval: str) -> PlanPrice:
    """The price for `code`/`interval`, or UnknownPlan."""
    for price in plan_catalogue():
        if price.code == code and price.interval == interval:
            return price
    raise UnknownPlan(gettext("未知的套餐：%(code)s（%(interval)s）。") % {"code": code or "-", "interval": interval or "-"},
                      field="plan")


def plan_name(code: str) -> str:
    spec = settings.BILLING_PLANS.get(code)
    return str(spec["name"]) if spec else code
