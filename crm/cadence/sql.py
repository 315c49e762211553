# ruff: noqa: S608 - the SQL is assembled from constant fragments of this module; every value is a bound parameter.
"""Set-based generation: one INSERT ... SELECT ... ON CONFLICT DO NOTHING per cadence rule.

Each trigger has an *event source* (a SELECT yielding customer, vehicle, lead and the event date);
the wrapper adds the offset and repeats, consent, conditions, assignee and message, and inserts.
UNIQUE(customer, rule_key, due_date) makes a second run, or a run that overlaps a catch-up, harmless.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from hq.policy.catalog import MESSAGE_FIELDS
from tenants.models import DEFAULT_STORE_ZONE, store_zone

# Local dates and times are read in the store's own zone (Store.time_zone), a bound parameter.
_LOCAL = "AT TIME ZONE %(tz)s"

# Latest odometer reading of v (vehicle) and the date it was read: the base of mileage prediction.
_LAST_READING = (
    "LEFT JOIN LATERAL (SELECT mr.read_on, mr.km FROM crm_mileagereading mr WHERE mr.vehicle_id = v.id "
    "ORDER BY mr.read_on DESC, mr.km DESC LIMIT 1) lr ON TRUE"
)


def _km_date(target_km: str) -> str:
    """The date the odometer reaches `target_km` at the vehicle's daily mileage (日行驶里程), or NULL."""
    return (f"CASE WHEN v.daily_km > 0 AND lr.km IS NOT NULL THEN lr.read_on + "
            f"GREATEST(0, CEIL(({target_km} - lr.km) / v.daily_km))::int END")


# When a lead's current grade was given (crm_lead_graded indexes this expression).
LEAD_GRADED_AT = "COALESCE(l.graded_at, l.created_at)"

_COLUMNS = ("customer_id, vehicle_id, lead_id, event_date, consultant_id, advisor_id, grade, lead_status, "
            "visit_may_call, due_km, holiday_name")


def event_source(trigger: str) -> str:
    """SELECT of events for `trigger` with event_date in [%(ev_from)s, %(ev_to)s]."""
    if trigger == "reception":
        return (
            f"SELECT r.customer_id, NULL::bigint, r.lead_id, (r.arrived_at {_LOCAL})::date, r.consultant_id, "  # nosec B608  # column expressions are constants of this module; values are bound parameters
            "NULL::bigint, l.grade, l.status, TRUE, NULL::int, NULL::text FROM crm_reception r "
            "LEFT JOIN crm_lead l ON l.id = r.lead_id "
            "WHERE r.arrived_at >= %(ev_from_ts)s AND r.arrived_at < %(ev_to_ts)s"
        )
    if trigger == "lead_graded":
        # 按意向级别跟进: counted from when the current grade was given, so a regrade restarts it.
        return (
            f"SELECT l.customer_id, NULL::bigint, l.id, ({LEAD_GRADED_AT} {_LOCAL})::date, l.consultant_id, "  # nosec B608  # constants of this module only; values are bound parameters
            "NULL::bigint, l.grade, l.status, TRUE, NULL::int, NULL::text FROM crm_lead l "
            f"WHERE {LEAD_GRADED_AT} >= %(ev_from_ts)s AND {LEAD_GRADED_AT} < %(ev_to_ts)s"
        )
    if trigger == "test_drive":
        return (
            f"SELECT td.customer_id, NULL::bigint, td.lead_id, (td.driven_at {_LOCAL})::date, td.consultant_id, "  # nosec B608  # constants of this module only; values are bound parameters
            "NULL::bigint, l.grade, l.status, TRUE, NULL::int, NULL::text FROM crm_testdrive td "
            "LEFT JOIN crm_lead l ON l.id = td.lead_id "
            "WHERE td.status = 'done' AND td.driven_at >= %(ev_from_ts)s AND td.driven_at < %(ev_to_ts)s"
        )
    if trigger == "delivery":
        return (
            "SELECT v.owner_id, v.id, NULL::bigint, v.delivered_on, NULL::bigint, NULL::bigint, NULL, NULL, TRUE, "
            "NULL::int, NULL::text FROM crm_vehicle v WHERE v.delivered_on BETWEEN %(ev_from)s AND %(ev_to)s"
        )
    if trigger == "service_done":
        return (
            "SELECT sv.customer_id, sv.vehicle_id, NULL::bigint, sv.visited_on, NULL::bigint, sv.advisor_id, NULL, "
            "NULL, sv.may_call, NULL::int, NULL::text FROM crm_servicevisit sv "
            "WHERE sv.visited_on BETWEEN %(ev_from)s AND %(ev_to)s"
        )
    if trigger == "first_maintenance_due":
        # 首保: time since delivery or the first-maintenance mileage, whichever comes first.
        due = f"LEAST(v.delivered_on + %(first_days)s, {_km_date('%(first_km)s')})"
        return (
            f"SELECT * FROM (SELECT v.owner_id, v.id, NULL::bigint, {due} AS d, NULL::bigint, NULL::bigint, "  # nosec B608  # `due` is built from constants; the day/km figures are bound parameters
            "NULL, NULL, TRUE, %(first_km)s::int, NULL::text FROM crm_vehicle v "
            f"{_LAST_READING} "
            "WHERE v.delivered_on BETWEEN %(ev_from)s - %(first_days)s AND %(ev_to)s "
            "AND NOT EXISTS (SELECT 1 FROM crm_servicevisit sv WHERE sv.vehicle_id = v.id "
            "AND sv.visited_on >= v.delivered_on AND sv.kind IN ('first', 'periodic'))) s "
            "WHERE s.d BETWEEN %(ev_from)s AND %(ev_to)s"
        )
    if trigger == "maintenance_due":
        # 定期保养: from the last maintenance, by time or by predicted mileage, whichever comes first.
        due = f"LEAST(lm.visited_on + %(interval_days)s, {_km_date('(lm.km + %(interval_km)s)')})"
        return (
            f"SELECT * FROM (SELECT v.owner_id, v.id, NULL::bigint, {due} AS d, NULL::bigint, lm.advisor_id, "  # nosec B608  # `due` is built from constants; the day/km figures are bound parameters
            "NULL, NULL, TRUE, (COALESCE(lm.km, 0) + %(interval_km)s)::int, NULL::text FROM crm_vehicle v "
            "JOIN LATERAL (SELECT sv.visited_on, sv.km, sv.advisor_id FROM crm_servicevisit sv "
            "WHERE sv.vehicle_id = v.id AND sv.kind IN ('first', 'periodic') ORDER BY sv.visited_on DESC LIMIT 1) lm "
            f"ON TRUE {_LAST_READING} "
            "WHERE lm.visited_on BETWEEN %(ev_from)s - %(interval_days)s AND %(ev_to)s) s "
            "WHERE s.d BETWEEN %(ev_from)s AND %(ev_to)s"
        )
    if trigger in ("insurance_expiry", "warranty_expiry"):
        col = "insurance_until" if trigger == "insurance_expiry" else "warranty_until"
        return (
            f"SELECT v.owner_id, v.id, NULL::bigint, v.{col}, NULL::bigint, NULL::bigint, NULL, NULL, TRUE, "  # nosec B608  # `col` is one of two literal column names chosen above
            f"NULL::int, NULL::text FROM crm_vehicle v WHERE v.{col} BETWEEN %(ev_from)s AND %(ev_to)s"
        )
    if trigger == "birthday":
        # Feb 29 birthdays fall on Mar 1 in other years.
        bday = ("(make_date(y, EXTRACT(MONTH FROM c0.birthday)::int, 1) "
                "+ (EXTRACT(DAY FROM c0.birthday)::int - 1))")
        return (
            f"SELECT * FROM (SELECT c0.id, NULL::bigint, NULL::bigint, {bday} AS d, NULL::bigint, NULL::bigint, "  # nosec B608  # `bday` is a constant expression; the years are a bound parameter
            "NULL, NULL, TRUE, NULL::int, NULL::text FROM crm_customer c0 CROSS JOIN unnest(%(years)s::int[]) y "
            "WHERE c0.birthday IS NOT NULL) s WHERE s.d BETWEEN %(ev_from)s AND %(ev_to)s"
        )
    if trigger == "holiday":
        return (
            "SELECT c0.id, NULL::bigint, NULL::bigint, h.d, NULL::bigint, NULL::bigint, NULL, NULL, TRUE, "
            "NULL::int, h.name FROM crm_customer c0 "
            "CROSS JOIN unnest(%(holiday_dates)s::date[], %(holiday_names)s::text[]) h(d, name) "
            "WHERE c0.lifecycle = 'owner' AND h.d BETWEEN %(ev_from)s AND %(ev_to)s"
        )
    if trigger == "no_visit":
        # 准流失: N months without a visit; the event is the day the N months are up.
        return (
            "SELECT c0.id, NULL::bigint, NULL::bigint, (c0.last_visit_on + make_interval(months => %(months)s))::date, "
            "NULL::bigint, NULL::bigint, NULL, NULL, TRUE, NULL::int, NULL::text FROM crm_customer c0 "
            "WHERE c0.last_visit_on BETWEEN (%(ev_from)s::date - make_interval(months => %(months)s))::date "
            "AND (%(ev_to)s::date - make_interval(months => %(months)s))::date"
        )
    raise ValueError(f"unknown trigger {trigger}")


_FIELD_SQL = {
    "customer_name": "c.name",
    "title": "CASE c.gender WHEN 'm' THEN '先生' WHEN 'f' THEN '女士' ELSE '' END",  # zh-data: SMS text to the customer
    "plate": "COALESCE(v.plate, '')",
    "brand": "COALESCE(v.brand, '')",
    "model": "COALESCE(v.model, '')",
    "store_name": "%(store_name)s",
    "store_phone": "%(store_phone)s",
    # Staff names come in as bound arrays (store SQL never reads a public table: deploy/scale-out.md). The
    # consultant who follows the event up (a 撞单 reception: the owner) signs, else the customer's own.
    "consultant_name": "COALESCE((%(user_names)s::text[])[array_position(%(user_ids)s::bigint[], "
                       "COALESCE(e.consultant_id, c.consultant_id))], '')",
    "advisor_name": "COALESCE((%(user_names)s::text[])[array_position(%(user_ids)s::bigint[], e.advisor_id)], '')",
    "due_date": "to_char(e.event_date, 'YYYY年FMMM月FMDD日')",  # zh-data: SMS text to the customer
    "due_km": "COALESCE(e.due_km::text, '')",
    "insurance_until": "COALESCE(to_char(v.insurance_until, 'YYYY年FMMM月FMDD日'), '')",  # zh-data: SMS text to the customer
    "warranty_until": "COALESCE(to_char(v.warranty_until, 'YYYY年FMMM月FMDD日'), '')",  # zh-data: SMS text to the customer
    "holiday_name": "COALESCE(e.holiday_name, '')",
}
assert set(_FIELD_SQL) == set(MESSAGE_FIELDS)


def _message_sql(message: str) -> str:
    expr = "%(message)s::text"
    for name, sql in _FIELD_SQL.items():
        if "{" + name + "}" in message:
            expr = f"replace({expr}, '{{{name}}}', {sql})"
    return expr


def _message_params_sql(message: str) -> str:
    """The template variables the message uses, as a jsonb object: an SMS vendor gets these, not the text."""
    pairs = [f"'{name}', {sql}" for name, sql in _FIELD_SQL.items() if "{" + name + "}" in message]
    return f"jsonb_build_object({', '.join(pairs)})" if pairs else "'{}'::jsonb"


def _assignee_sql(assignee: str) -> str:
    if assignee == "consultant":
        return "COALESCE(e.consultant_id, c.consultant_id)"
    if assignee == "advisor":
        return ("COALESCE(e.advisor_id, (SELECT sv.advisor_id FROM crm_servicevisit sv WHERE sv.customer_id = c.id "
                "AND sv.advisor_id IS NOT NULL ORDER BY sv.visited_on DESC LIMIT 1))")
    # A store role: spread the customers over the members holding it (round robin by customer id).
    return "(%(role_ids)s::bigint[])[1 + (c.id %% GREATEST(cardinality(%(role_ids)s::bigint[]), 1))]"


def _consent_sql(rule: dict[str, Any]) -> str:
    # An anonymised customer (crm.personal_info.services) is never called or messaged again.
    return f"(c.anonymised_at IS NULL AND {_channel_consent_sql(rule)})"


def _channel_consent_sql(rule: dict[str, Any]) -> str:
    channel = rule["channel"]
    if channel == "call":
        # 只回访同意回访的客户 (handbook 002): the customer's consent, and the visit's when it is a 3DC.
        return ("c.may_call AND e.visit_may_call AND (cardinality(c.channels) = 0 OR 'phone' = ANY(c.channels))")
    if channel == "email":
        # E-mail only to an address the customer gave and agreed to receive mail at (care or marketing).
        return "(c.email <> '' AND c.email_consent)"
    marketing = "TRUE" if rule.get("marketing") else "FALSE"
    # Marketing needs the channel explicitly allowed; care messages need it not ruled out.
    return (f"(%(channel)s = ANY(c.channels) OR (cardinality(c.channels) = 0 AND NOT {marketing}))")


def _conditions_sql(rule: dict[str, Any]) -> str:
    parts = []
    if rule.get("grades"):
        if rule["trigger"] in ("lead_graded", "reception", "test_drive"):
            parts.append("e.grade = ANY(%(grades)s)")
        else:
            parts.append("EXISTS (SELECT 1 FROM crm_lead lg WHERE lg.customer_id = c.id AND lg.status = 'open' "
                         "AND lg.grade = ANY(%(grades)s))")
    if rule.get("value_classes"):
        parts.append("c.value_class = ANY(%(value_classes)s)")
    until = rule.get("repeat_until") or ""
    if until == "lead_closed":
        parts.append("COALESCE(e.lead_status, 'open') = 'open'")
    if until == "came_in":
        parts.append("NOT EXISTS (SELECT 1 FROM crm_servicevisit sv2 WHERE sv2.vehicle_id = e.vehicle_id "
                     "AND sv2.visited_on >= e.event_date + %(offset)s)")
    if until:
        # A repeat stops once a call in the series found the car came in or the customer refused.
        parts.append("NOT EXISTS (SELECT 1 FROM crm_followuptask st WHERE st.customer_id = c.id "
                     "AND st.rule_key = %(key)s AND st.event_date = e.event_date "
                     "AND st.outcome IN ('came_in', 'refused'))")
    return " AND ".join(parts) or "TRUE"


# Cadence triggers whose store-staff calls are return visits (回访: after delivery, after each service).
RETURN_VISIT_TRIGGERS = ("delivery", "service_done")
# Triggers whose calls are planned at the event, on their future dates (计划回访: 3DC, 7DC, 15-day care,
# first maintenance, the return visit after a repair), so customer service sees them ahead.
PLANNED_AHEAD_TRIGGERS = ("delivery", "service_done", "first_maintenance_due")


def is_return_visit_rule(rule: dict[str, Any]) -> bool:
    """A rule whose calls are return visits with a survey record: calls after delivery or service by
    store staff (not the consultant's own 1–3 month care calls)."""
    return (rule.get("trigger") in RETURN_VISIT_TRIGGERS and rule.get("channel") == "call"
            and rule.get("assignee") != "consultant")


def plan_ahead_days(rule: dict[str, Any], body: dict[str, Any]) -> int:
    """How many days past today the rule's tasks are created ahead: an event's whole series (offset
    and repeats; for first maintenance also the time to the due date), 0 for rules planned on the day."""
    if rule.get("trigger") not in PLANNED_AHEAD_TRIGGERS:
        return 0
    every = rule.get("repeat_every_days") or 0
    # A fixed number of repeats is planned with the first call; a series "until the car came in" (or the
    # lead closed) adds its next call on its day, when the condition is known.
    repeats = (rule.get("repeat_max") or 0) if rule.get("repeat_until") == "count" else 0
    ahead = rule["offset_days"] + repeats * every
    if rule["trigger"] == "first_maintenance_due":
        ahead += int(body["maintenance"]["first_days"])
    return max(ahead, 0)


# The return-visit record made with each new first task of a return-visit rule (its own statement, in the
# same transaction, right after the tasks): the record of the visit; the calls stay tasks. A redial (a later
# task of the series, sequence/event unchanged) gets no second record: UNIQUE(customer, rule_key, due_date)
# and the series' first due date keep it one per visit. Not a second data-modifying CTE of the task insert:
# behind Citus that statement inserted nothing (deploy/scale-out.md, rule 2).
RETURN_VISIT_RECORDS = """
WITH src AS MATERIALIZED (
SELECT t.id, CASE WHEN t.trigger = 'delivery' THEN 'delivery' ELSE 'service' END, t.rule_key, t.rule_name,
    t.customer_id, t.vehicle_id,
    CASE WHEN t.trigger = 'service_done' THEN (SELECT sv.id FROM crm_servicevisit sv
        WHERE sv.vehicle_id = t.vehicle_id AND sv.visited_on = t.event_date ORDER BY sv.id DESC LIMIT 1) END,
    t.event_date, t.due_date, COALESCE(NULLIF(c.call_number, ''), c.mobile), 'due', 0, '', '', FALSE, '',
    t.policy_version_id, t.policy_version_number, %(now)s
FROM crm_followuptask t JOIN crm_customer c ON c.id = t.customer_id
WHERE t.id = ANY(%(task_ids)s))
INSERT INTO crm_returnvisit (task_id, subject, rule_key, rule_name, customer_id, vehicle_id, service_visit_id,
    event_date, due_date, number, status, attempts, person_called, person_name, complaint_raised, remark,
    policy_version_id, policy_version_number, created_at)
SELECT * FROM src
ON CONFLICT DO NOTHING
"""


@dataclass(frozen=True)
class RuleSQL:
    sql: str  # yields one row: the ids of the tasks it created
    params: dict[str, Any]
    return_visits: bool  # then RETURN_VISIT_RECORDS follows with those ids


def rule_insert(rule: dict[str, Any], body: dict[str, Any], *, start: dt.date, end: dt.date,
                version_id: int, version_number: int, store_name: str, role_ids: list[int],
                holidays: list[tuple[dt.date, str]], customer_id: int | None = None, ahead: int = 0,
                user_names: dict[int, str] | None = None, tz: str = DEFAULT_STORE_ZONE,
                now: dt.datetime | None = None) -> RuleSQL:
    """The INSERT for one rule, creating tasks due in [start, end] (optionally for one customer); a
    return-visit rule also creates each new visit's record (RETURN_VISIT_RECORDS, after it, with the same
    `now`). The statement yields the ids of the tasks created (RETURNING, never rowcount). `ahead`
    (plan_ahead_days): the first calls — and a fixed count of repeats — due up to that many days after `end`
    are created now, on their future dates.
    `user_names`: the store's staff by user id, for {consultant_name}/{advisor_name} in messages.
    `tz`: the store's zone name (local dates and call times are read in it); `now`: the moment the rows are
    created (Python's clock, so a pinned test clock and the rows agree)."""
    zone = store_zone(tz)
    every = rule.get("repeat_every_days") or 0
    repeat_max = rule.get("repeat_max") or 0 if rule.get("repeat_until") else 0
    offset = rule["offset_days"]
    plan_end = end + dt.timedelta(days=ahead)
    repeat_end = plan_end if rule.get("repeat_until") == "count" else end
    ev_from = start - dt.timedelta(days=offset + repeat_max * every)
    ev_to = plan_end - dt.timedelta(days=offset)
    maint = body["maintenance"]
    if rule.get("at"):
        due_at = f"((d.due + %(at)s::time) {_LOCAL})"
    elif rule["channel"] == "call":
        due_at = (f"CASE WHEN c.call_time ~ '^[0-2]?[0-9]:[0-5][0-9]' THEN "
                  f"((d.due + substring(c.call_time from '^[0-2]?[0-9]:[0-5][0-9]')::time) {_LOCAL}) END")
    else:
        due_at = "NULL::timestamptz"  # typed: the rows pass through a CTE before the INSERT
    customer_filter = "AND c.id = %(customer_id)s" if customer_id is not None else ""
    # The rows are selected in a MATERIALIZED CTE, then inserted (deploy/scale-out.md, rule 2): behind Citus
    # `WITH ins AS (INSERT … SELECT … RETURNING)` inserted nothing and counted 0, without an error.
    sql = f"""
WITH src AS MATERIALIZED (
SELECT c.id, e.vehicle_id, e.lead_id, %(key)s, %(name)s, %(trigger)s, %(channel)s, e.event_date, k, d.due,
    {due_at}, c.call_time, {_assignee_sql(rule["assignee"])}, 'open', '', '', '', %(outcomes)s::jsonb,
    {_message_sql(rule.get("message") or "")}, {_message_params_sql(rule.get("message") or "")},
    %(version_id)s, %(version_number)s, %(now)s
FROM ({event_source(rule["trigger"])}) AS e({_COLUMNS})
JOIN crm_customer c ON c.id = e.customer_id
LEFT JOIN crm_vehicle v ON v.id = e.vehicle_id
CROSS JOIN LATERAL generate_series(0, %(repeat_max)s) AS k
CROSS JOIN LATERAL (SELECT e.event_date + %(offset)s + k * %(every)s AS due) AS d
WHERE d.due BETWEEN %(start)s AND %(end)s AND (k = 0 OR d.due <= %(repeat_end)s) {customer_filter}
  AND {_consent_sql(rule)}
  AND {_conditions_sql(rule)}
),
ins AS (
INSERT INTO crm_followuptask (customer_id, vehicle_id, lead_id, rule_key, rule_name, trigger, channel, event_date,
    sequence, due_date, due_at, call_window, assignee_id, status, skip_reason, outcome, outcome_note,
    allowed_outcomes, message, message_params, policy_version_id, policy_version_number, created_at)
SELECT * FROM src
ON CONFLICT (customer_id, rule_key, due_date) DO NOTHING
RETURNING id)
SELECT COALESCE(array_agg(id), '{{}}') FROM ins
"""  # nosec B608  # fragments are constants chosen in code; every value is a bound parameter
    params: dict[str, Any] = {
        "key": rule["key"], "name": rule["name"], "trigger": rule["trigger"], "channel": rule["channel"],
        "outcomes": json.dumps(rule.get("outcomes") or []), "message": rule.get("message") or "",
        "version_id": version_id, "version_number": version_number, "repeat_max": repeat_max, "every": every,
        "offset": offset, "start": start, "end": plan_end, "repeat_end": repeat_end, "ev_from": ev_from, "ev_to": ev_to,
        "ev_from_ts": dt.datetime.combine(ev_from, dt.time(0), tzinfo=zone),
        "ev_to_ts": dt.datetime.combine(ev_to + dt.timedelta(days=1), dt.time(0), tzinfo=zone),
        "tz": zone.key, "now": now or timezone.now(),
        "store_name": store_name, "store_phone": "", "role_ids": role_ids or [None], "grades": rule.get("grades") or [],
        "value_classes": rule.get("value_classes") or [], "at": rule.get("at") or "00:00",
        "first_days": maint["first_days"], "first_km": maint["first_km"],
        "interval_days": maint["interval_days"], "interval_km": maint["interval_km"],
        "months": rule.get("months") or 6, "years": sorted({ev_from.year, ev_to.year}),
        "holiday_dates": [d for d, _n in holidays], "holiday_names": [n for _d, n in holidays],
        "customer_id": customer_id,
        "user_ids": list((user_names or {}).keys()), "user_names": list((user_names or {}).values()),
    }
    return RuleSQL(sql, params, is_return_visit_rule(rule))
