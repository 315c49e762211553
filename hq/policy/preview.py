"""一年接触预览: how many contacts one customer would get in a year from a cadence, and whether that
is more than the handbook would call pestering (打扰客户).

The counts are the same upper bound the publish check uses (hq.policy.rules.rule_tasks_per_year /
tasks_per_year: events a year x (1 + repeats); of rules limited to intent grades only the busiest
grade counts), split by the two lives of a customer, because one person is rarely both in one year:
- 购车前 (a prospect): rules triggered by reception, lead grading and test drives;
- 购车后 (an owner): every other trigger (delivery, maintenance, service, expiries, care messages).

Pestering threshold — PESTER_PER_MONTH = 8 contacts a month on average (more than 96 a year) in
either phase. Where it comes from: handbook 000 sets the most frequent follow-up the handbook ever asks
for, "意向较高的客户，跟进频率为每周至少一次" — about 4 a month for the hottest prospects — and handbook 004
adds, on a visit day, the departure SMS and the evening call. Twice the handbook's own top cadence
(two contacts every week, all year) is more than it prescribes for any customer, so above it the
editor warns. It is a warning, not a refusal: the hard refusal stays MAX_TASKS_PER_CUSTOMER_YEAR at
publication (hq.policy.rules).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .catalog import CHANNELS, MAX_TASKS_PER_CUSTOMER_YEAR, TRIGGERS
from .rules import rule_tasks_per_year, tasks_per_year

PESTER_PER_MONTH = 8
PROSPECT_TRIGGERS = frozenset({"reception", "lead_graded", "test_drive"})


@dataclass(frozen=True)
class RuleContacts:
    key: str
    name: str
    trigger: str
    channel: str
    per_year: int
    phase: str  # "prospect" | "owner"


@dataclass(frozen=True)
class ContactPreview:
    rules: list[RuleContacts]
    prospect_year: int
    owner_year: int
    total_bound: int
    threshold_month: int
    max_tasks: int

    @property
    def prospect_month(self) -> float:
        return round(self.prospect_year / 12, 1)

    @property
    def owner_month(self) -> float:
        return round(self.owner_year / 12, 1)

    @property
    def pestering(self) -> list[str]:
        """The phases above the threshold: "prospect" and/or "owner"."""
        limit = self.threshold_month * 12
        return [p for p, n in (("prospect", self.prospect_year), ("owner", self.owner_year)) if n > limit]

    @property
    def over_cap(self) -> bool:
        return self.total_bound > self.max_tasks


def contacts_preview(body: dict[str, Any]) -> ContactPreview:
    """The preview of a cleaned cadence body (hq.policy.rules.policy_body_clean, for_publish=False)."""
    enabled = [r for r in body["rules"] if r.get("enabled", True)]
    rows = [RuleContacts(r["key"], r["name"], str(TRIGGERS[r["trigger"]].label), str(CHANNELS.get(r["channel"], r["channel"])),
                         rule_tasks_per_year(r, body),
                         "prospect" if r["trigger"] in PROSPECT_TRIGGERS else "owner") for r in enabled]
    prospect = tasks_per_year({**body, "rules": [r for r in enabled if r["trigger"] in PROSPECT_TRIGGERS]})
    owner = tasks_per_year({**body, "rules": [r for r in enabled if r["trigger"] not in PROSPECT_TRIGGERS]})
    return ContactPreview(sorted(rows, key=lambda r: -r.per_year), prospect, owner, tasks_per_year(body),
                          PESTER_PER_MONTH, MAX_TASKS_PER_CUSTOMER_YEAR)
