"""Store pages of the cadence: my tasks by day, one-click completion, overdue per person, the
effective policy, the override form and the monthly maintenance list (每月底导出)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from hq.models import PolicyKind
from hq.policy.catalog import ASSIGNEES, CHANNELS, OUTCOMES, TRIGGERS
from hq.selectors import policy_effective
from tenants.access import store_view
from tenants.errors import DomainError
from tenants.exports import download
from tenants.forms import form_errors_as_messages, run_form
from tenants.models import Store
from tenants.requests import member_of
from tenants.roles import Perm, role_allows

from ..aftersales.selectors import visit_ids_for_calls
from ..models import AccessAction, FollowUpTask, Lead
from ..models.choices import Grade, LeadStatus
from ..privacy import Origin, access_record
from ..selectors.overdue import overdue_count_for, overdue_leads, overdue_tasks
from . import export, monthly
from .engine import current_store
from .forms import TaskCompleteForm, TaskSkipForm
from .selectors import (
    maintenance_due_between,
    maintenance_list_get,
    maintenance_lists,
    overdue_by_person,
    task_get,
    task_queue_for,
)
from .services import SURVEY_OUTCOMES, cadence_override_set, task_complete, task_skip


def _store() -> Store:
    return current_store()


def get_task_for_member(request: HttpRequest, pk: int) -> FollowUpTask:
    """The task if it is the member's own (or they supervise); 404 for "not yours" and "no such task"."""
    member = member_of(request)
    task = task_get(pk)
    if task is None or (task.assignee_id != member.user_id and not role_allows(member.role, Perm.SUPERVISE)):
        raise Http404(gettext("页面不存在"))
    return task


def _day(request: HttpRequest) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        return timezone.localdate()


def _may_grade(request: HttpRequest) -> bool:
    """Only who manages leads gets the regrade / key-customer buttons on a task row (no link to a 404)."""
    return role_allows(member_of(request).role, Perm.MANAGE_LEADS)


def _task_ctx(task: FollowUpTask, leads: dict[int, Any] | None = None, visit_id: int | None = None) -> dict[str, Any]:
    # The task's open lead, so the evening call can regrade it or mark a key customer from the row; a
    # return-visit call links to its call screen (the survey).

    if leads is None:
        leads = Lead.objects.filter(pk=task.lead_id, status=LeadStatus.OPEN).in_bulk() if task.lead_id else {}
    if visit_id is None:
        visit_id = visit_ids_for_calls([task]).get(task.pk)
    # A return-visit call that got through is recorded on its call screen (the survey), not here.
    outcomes = [o for o in task.allowed_outcomes or [] if not (visit_id and o in SURVEY_OUTCOMES)]
    return {"t": task, "outcomes": [(o, OUTCOMES.get(o, o)) for o in outcomes],
            "channel_label": CHANNELS.get(task.channel, task.channel),
            "outcome_label": OUTCOMES.get(task.outcome, task.outcome),
            "lead": leads.get(task.lead_id) if task.lead_id else None, "grades": Grade.choices, "visit_id": visit_id}


@store_view(Perm.VIEW_STORE)
def my_tasks(request: HttpRequest) -> HttpResponse:
    """我的任务: the day's calls and messages, overdue ones first, each done with one click."""
    day = _day(request)
    tasks = list(task_queue_for(member_of(request).user_id, day))

    leads = Lead.objects.filter(pk__in={t.lead_id for t in tasks if t.lead_id}, status=LeadStatus.OPEN).in_bulk() \
        if _may_grade(request) else {}
    visits = visit_ids_for_calls(tasks)  # return-visit calls link to their call screen (the survey)
    return render(request, "crm/cadence/tasks.html", {
        "day": day, "prev": day - dt.timedelta(days=1), "next": day + dt.timedelta(days=1),
        "today": timezone.localdate(), "rows": [_task_ctx(t, leads, visits.get(t.pk)) for t in tasks],
        "open_count": sum(1 for t in tasks if t.status in ("open", "overdue")),
        "overdue_count": overdue_count_for(member_of(request).user_id),
    })


def _row_or_redirect(request: HttpRequest, task: FollowUpTask) -> HttpResponse:
    if getattr(request, "htmx", False):
        return render(request, "crm/cadence/_task_row.html", _task_ctx(task, None if _may_grade(request) else {}))
    return redirect(reverse("cadence:tasks") + f"?day={task.due_date.isoformat()}")


def _task_form_answer(request: HttpRequest, task: FollowUpTask, name: str, form: forms.Form,
                      done: FollowUpTask | None) -> HttpResponse:
    """The row again (htmx) or the list: a refused form keeps what was typed, its errors at the fields."""
    if done is not None:
        return _row_or_redirect(request, done)
    if getattr(request, "htmx", False):
        ctx = _task_ctx(task, None if _may_grade(request) else {}) | {name: form}
        return render(request, "crm/cadence/_task_row.html", ctx, status=400)
    form_errors_as_messages(request, form)
    return _row_or_redirect(request, task)


@store_view(Perm.EDIT_CUSTOMERS)
@require_POST
def task_complete_view(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_task_for_member(request, pk)
    form = TaskCompleteForm(request.POST)
    done = run_form(form, lambda d: task_complete(member=member_of(request), task=task, outcome=d["outcome"],
                                                  note=d["note"]))
    return _task_form_answer(request, task, "complete_form", form, done)


@store_view(Perm.EDIT_CUSTOMERS)
@require_POST
def task_skip_view(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_task_for_member(request, pk)
    form = TaskSkipForm(request.POST)
    done = run_form(form, lambda d: task_skip(member=member_of(request), task=task, reason=d["reason"]))
    return _task_form_answer(request, task, "skip_form", form, done)


@store_view(Perm.SUPERVISE)
def overdue_page(request: HttpRequest) -> HttpResponse:
    """逾期任务(按人): the manager's view of who is behind, and the overdue tasks of one person."""
    today = timezone.localdate()
    rows = overdue_by_person(today)
    person = request.GET.get("user")
    tasks: list[FollowUpTask] = []
    leads: list[Lead] = []
    if person:
        # The same rule as the count in the table (crm.selectors.overdue).
        qs = overdue_tasks(today=today).select_related("customer")
        if person == "none":
            qs = qs.filter(assignee_id__isnull=True)
        elif person.isdigit():
            qs = qs.filter(assignee_id=int(person))
            leads = list(overdue_leads(today=today).filter(consultant_id=int(person)).select_related("customer")
                         .order_by("next_followup_on")[:200])
        else:
            qs = qs.none()
        tasks = list(qs.order_by("due_date")[:200])
    return render(request, "crm/cadence/overdue.html", {"rows": rows, "tasks": tasks, "leads": leads,
                                                         "person": person, "today": today})


def _rule_rows(body: dict[str, Any], overrides: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for r in body.get("rules", []):
        changed = {p.rsplit(".", 1)[1] for p in overrides if p.startswith(f"rules.{r['key']}.")}
        rows.append({"r": r, "trigger": TRIGGERS[r["trigger"]].label, "assignee": ASSIGNEES.get(r["assignee"]),
                     "channel": CHANNELS.get(r["channel"]), "changed": changed})
    return rows


@store_view(Perm.VIEW_STORE)
def policy_page(request: HttpRequest) -> HttpResponse:
    """执行中的政策: the group template version in force here, with this store's adjustments."""
    store = _store()
    kinds = []
    for kind, label in PolicyKind.choices:
        eff = policy_effective(store, kind)
        kinds.append({"kind": kind, "label": label, "eff": eff,
                      "rules": _rule_rows(eff.body, eff.overrides) if eff and kind == PolicyKind.CADENCE else [],
                      "open": list(eff.open.values()) if eff else []})
    can_override = role_allows(member_of(request).role, Perm.MANAGE_STORE)
    return render(request, "crm/cadence/policy.html", {"kinds": kinds, "can_override": can_override})


@store_view(Perm.MANAGE_STORE)
@require_http_methods(["GET", "POST"])
def override_page(request: HttpRequest, kind: str) -> HttpResponse:
    """门店调整: only what the group template leaves open, within its ranges."""
    if kind not in PolicyKind.values:
        raise Http404(gettext("页面不存在"))
    eff = policy_effective(_store(), kind)
    if eff is None:
        raise Http404(gettext("页面不存在"))
    values = {p: eff.overrides.get(p, f.default) for p, f in eff.open.items()}
    error, status = "", 200
    if request.method == "POST":
        submitted: dict[str, Any] = {}
        for path, field in eff.open.items():
            if field.type == "bool":
                submitted[path] = path in request.POST
            elif path in request.POST:
                submitted[path] = request.POST[path]
        values.update(submitted)
        try:
            cadence_override_set(member=member_of(request), kind=kind, overrides=submitted)
        except DomainError as exc:
            error, status = exc.message, exc.status
        else:
            messages.success(request, gettext("门店调整已保存，明天起按新设置生成任务。"))
            return redirect("cadence:policy")
    fields = [{"f": f, "value": values[p]} for p, f in eff.open.items()]
    return render(request, "crm/cadence/override.html", {
        "kind": kind, "label": PolicyKind(kind).label, "eff": eff, "fields": fields, "error": error,
    }, status=status)


@store_view(Perm.IMPORT_EXPORT)
def maintenance_page(request: HttpRequest) -> HttpResponse:
    """下月到期保养: who is due next month and has not come in (customer service invites them)."""
    first, last = export.next_month(timezone.localdate())
    eff = policy_effective(_store(), PolicyKind.CADENCE)
    items = maintenance_due_between(first, last, eff.body) if eff else []
    return render(request, "crm/cadence/maintenance.html", {"items": items[:500], "total": len(items),
                                                              "first": first, "last": last,
                                                              "lists": maintenance_lists()})


@store_view(Perm.IMPORT_EXPORT)
def maintenance_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """每月底导出 as XLSX or CSV. Full numbers: the list's purpose is customer service calling each customer
    to invite them in (handbook 001), so the export is recorded in the access log rather than masked."""
    if fmt not in ("xlsx", "csv"):
        raise Http404(gettext("页面不存在"))
    first, last = export.next_month(timezone.localdate())
    eff = policy_effective(_store(), PolicyKind.CADENCE)
    items = maintenance_due_between(first, last, eff.body) if eff else []
    access_record(member=member_of(request), action=AccessAction.EXPORT, customer_ids=[m.customer_id for m in items],
                  fields=["name", "mobile"], origin=Origin.of(request), detail=f"maintenance-due-{first:%Y-%m}.{fmt}")
    return download(export.maintenance_due_file(items, fmt), f"maintenance-due-{first:%Y-%m}.{fmt}")



@store_view(Perm.IMPORT_EXPORT)
def maintenance_list_download(request: HttpRequest, pk: int) -> HttpResponse:
    """每月底导出的名单: one month-end XLSX of this store; 404 for another store's file or a missing one."""
    row = maintenance_list_get(pk)
    if row is None or not row.file_path.startswith(monthly.store_list_dir(_store())) \
            or not default_storage.exists(row.file_path):
        raise Http404(gettext("页面不存在"))
    with default_storage.open(row.file_path, "rb") as fh:
        body = fh.read()  # one store-month: a small file
    # Full numbers, as the export above (a calling list); the file's customers are not re-read to record them.
    access_record(member=member_of(request), action=AccessAction.EXPORT, customer_ids=[], fields=["name", "mobile"],
                  origin=Origin.of(request), detail=f"maintenance-due-{row.month:%Y-%m}.xlsx")
    return download(body, f"maintenance-due-{row.month:%Y-%m}.xlsx")
