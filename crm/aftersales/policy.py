"""The group policies this area runs on: the survey (回访问卷) and the complaint SLA (投诉处理) templates.

Both are read as the store's effective policy (hq template version + store overrides) with
hq.selectors.policy_required: reading never adopts; a store without an adoption gets a clear error.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from hq.calendar import WorkCalendar, add_working_time, next_working_day, working_time_between
from hq.models import PolicyKind, PolicyVersion
from hq.policy.rules import default_satisfied_from, survey_figures_default
from hq.selectors import policy_required, work_calendar_for_group
from tenants.models import Store
from tenants.requests import current_store as current_store  # the one helper; callers import it here too

from ..models.aftersales import Milestone

# 未接通的重拨规则 comes from the survey template's `retry` section; versions published before it
# existed carry none and use this default (the starter template's values).
DEFAULT_RETRY = {"max_attempts": 3, "every_working_days": 1}
RETRY_BOUNDS = {"max_attempts": (1, 5), "every_working_days": (1, 3)}
# Escalation step k (1-based) is met by the k-th milestone; further steps all wait for the closing.
STEP_MILESTONES = (Milestone.SUBMITTED, Milestone.REPLIED, Milestone.CLOSED)
SLA_KEYS = {
    Milestone.SUBMITTED: "report_to_gm_working_days",
    Milestone.REPLIED: "manager_reply_working_days",
    Milestone.CLOSED: "close_working_days",
}


@dataclass(frozen=True)
class Survey:
    """回访问卷: the question set of one published survey template version."""

    version_id: int
    version_number: int
    questions: list[dict[str, Any]]
    retry: dict[str, int]
    figures: dict[str, str] = field(default_factory=dict)

    def question(self, key: str) -> dict[str, Any] | None:
        return next((q for q in self.questions if q["key"] == key), None)


def answer_satisfied(question: dict[str, Any], *, yes: bool | None, rating: int | None) -> bool:
    """满意 — the one written rule, per question type:
    - yes/no: satisfied when the customer answered "yes";
    - rating (1..scale): satisfied when the rating is at least the question's `satisfied_from`
      (set in the survey template; default 4 of 5, 8 of 10).
    Every report figure (page, XLSX, API, HQ snapshot) counts answers recorded with this rule."""
    if question["kind"] == "yes_no":
        return bool(yes)
    scale = int(question.get("scale") or 5)
    threshold = int(question.get("satisfied_from") or default_satisfied_from(scale))
    return rating is not None and rating >= threshold


def survey_figures(body: dict[str, Any] | None) -> dict[str, str]:
    """Which question defines 回访总体满意度 ("overall") and 对上次维修的满意度 ("last_repair")."""
    body = body or {}
    questions = list(body.get("questions") or [])
    figures = dict(survey_figures_default(questions)) if questions else {"overall": "overall",
                                                                         "last_repair": "score"}
    figures.update({k: v for k, v in (body.get("figures") or {}).items() if isinstance(v, str)})
    return figures


def survey_retry(body: dict[str, Any]) -> dict[str, int]:
    """The version's redial rule; a value missing or out of its range (older versions) takes the default."""
    raw = body.get("retry")
    raw = raw if isinstance(raw, dict) else {}
    out: dict[str, int] = {}
    for key, (lo, hi) in RETRY_BOUNDS.items():
        value = raw.get(key)
        ok = isinstance(value, int) and not isinstance(value, bool) and lo <= value <= hi
        out[key] = value if ok and isinstance(value, int) else DEFAULT_RETRY[key]
    return out


def survey_current(store: Store | None = None) -> Survey:
    """The survey a call uses now: the group's survey template version in force at the store."""
    policy = policy_required(store or current_store(), PolicyKind.SURVEY)
    return Survey(policy.version.pk, policy.version.number, list(policy.body["questions"]),
                  survey_retry(policy.body), survey_figures(policy.body))


def survey_version(version_id: int, store: Store | None = None) -> Survey | None:
    """A survey version this store's group published (to show an old call with the questions it used)."""
    store = store or current_store()
    v = PolicyVersion.objects.filter(pk=version_id, template__group_id=store.group_id,
                                     template__kind=PolicyKind.SURVEY).first()
    if v is None:
        return None
    return Survey(v.pk, v.number, list(v.body.get("questions") or []), survey_retry(v.body),
                  survey_figures(v.body))


def retry_on(store: Store, after: dt.date, every_working_days: int) -> dt.date:
    """The working day `every_working_days` working days after `after` (the next redial)."""
    cal = work_calendar_for_group(store.group_id)
    day = after
    for _ in range(max(1, every_working_days)):
        day = next_working_day(day + dt.timedelta(days=1), cal)
    return day


@dataclass(frozen=True)
class DeadlinePlan:
    step: int
    name: str
    milestone: str
    within: Decimal
    due_at: dt.datetime
    to_role: str
    cc_roles: list[str]


@dataclass(frozen=True)
class SlaPlan:
    version_id: int
    version_number: int
    deadlines: list[DeadlinePlan]


def complaint_deadlines(store: Store, start: dt.datetime) -> SlaPlan:
    """投诉时限: each step of the escalation chain with its deadline on the store's working-day calendar.

    The first step for a milestone takes its time limit from the template's `sla` section (the part a
    store may adjust), later steps from the chain itself.
    """
    policy = policy_required(store, PolicyKind.COMPLAINT)
    body = policy.body
    sla = body.get("sla") or {}
    seen: set[str] = set()
    plans = []
    for i, step in enumerate(body["escalation"]):
        milestone = STEP_MILESTONES[min(i, len(STEP_MILESTONES) - 1)]
        within = step["within_working_days"]
        if milestone not in seen and SLA_KEYS[milestone] in sla:
            within = sla[SLA_KEYS[milestone]]
        seen.add(milestone)
        due = working_deadline(store, start, within)
        plans.append(DeadlinePlan(i + 1, step["name"], milestone, Decimal(str(within)), due, step["to_role"],
                                  list(step.get("cc_roles") or [])))
    return SlaPlan(policy.version.pk, policy.version.number, plans)


def working_deadline(store: Store, start: dt.datetime, within: Decimal | float) -> dt.datetime:
    """`within` working days after `start` on the store's hours and its group's calendar, in the
    store's own zone (the one place a complaint deadline is computed)."""
    cal = work_calendar_for_group(store.group_id)
    return add_working_time(start, days=float(within), working_hours=store.working_hours, calendar=cal,
                            tz=store.zone)


def working_time_left(store: Store, due_at: dt.datetime, now: dt.datetime,
                      calendar: WorkCalendar | None = None) -> dt.timedelta:
    """The working time from `now` to a complaint deadline (negative once it has passed), on the store's
    hours and its group's calendar in the store's zone — the same calendar the deadline was counted on.
    A page listing many deadlines passes the group's calendar, read once."""
    cal = calendar if calendar is not None else work_calendar_for_group(store.group_id)
    return working_time_between(now, due_at, working_hours=store.working_hours, calendar=cal, tz=store.zone)
