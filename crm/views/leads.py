"""Lead pages: 线索收件箱 (mine / the store's unclaimed), claim, first contact, assignment, 400 entry,
lead-file import, the store's first-response figures and the consultants' 排班."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tenants.access import store_view
from tenants.forms import form_errors_as_messages
from tenants.requests import StoreRequest, current_store
from tenants.roles import Perm, StoreRole
from tenants.services.store_settings import WEEKDAYS
from tenants.views.store_settings import DAY_LABELS, hours_initial

from ..access import get_lead_for_member, sees_all, staff_names, store_staff
from ..forms import run_form
from ..leads.forms import (
    AssignForm,
    FirstContactForm,
    HotlineLeadForm,
    LeadImportForm,
    LeadSettingsForm,
    ScheduleForm,
)
from ..leads.imports import lead_import
from ..leads.intake import IntakeItem, IntakeResult, lead_receive
from ..leads.schedule import consultant_schedule_set, may_edit_schedules, schedule_of, schedule_rows
from ..leads.selectors import (
    INBOX_LIMIT,
    InboxRow,
    first_response_stats,
    inbox_rows,
    my_waiting_count,
    on_duty,
    unclaimed_count,
)
from ..leads.services import duty_set, lead_assign, lead_claim, lead_settings_save
from ..leads.sla import lead_clock, lead_policy
from ..models import LeadRoutingRule, LeadSourceHook
from ..models.leads import IntakeOutcome, LeadSource
from ..services import followup_create
from .common import attempt, member_of, store_id

UNCLAIMED_SHOWN = 50


def _consultant_choices() -> list[tuple[int, str]]:
    return [(m.user_id, m.user.name) for m in store_staff(store_id(), roles=(StoreRole.SALES_CONSULTANT,))]


_PK = 987654321  # a placeholder id: each row's links are the reversed URL with the row's id put in


def _with_links(rows: list[InboxRow]) -> list[tuple[InboxRow, str, str]]:
    """Each row with its claim and first-contact URLs, reversed once per page rather than twice per row
    (reversing is the costliest tag of a 50-row list)."""
    claim, contact = reverse("crm:lead_claim", args=[_PK]), reverse("crm:lead_contact", args=[_PK])
    return [(row, claim.replace(str(_PK), str(row.lead.pk)), contact.replace(str(_PK), str(row.lead.pk)))
            for row in rows]


@store_view(Perm.MANAGE_LEADS)
def inbox_page(request: StoreRequest) -> HttpResponse:
    """线索收件箱: my new leads with the working time left to the first response; managers also see the
    store's unclaimed leads and assign them."""
    member = member_of(request)
    manager = sees_all(member)
    clock = lead_clock(request.tenant)  # one policy and calendar read per page
    context = {
        "rows": _with_links(inbox_rows(member=member, clock=clock)), "mine_total": my_waiting_count(member),
        "shown_limit": INBOX_LIMIT, "on_duty": on_duty(member), "manager": manager,
        "policy": {"first_response_minutes": clock.first_response_minutes},
    }
    if manager:
        names = staff_names(store_id())
        # One assignment menu for every row (rendered once: 50 copies of a form field cost a page budget).
        menu = AssignForm(consultants=_consultant_choices(), auto_id=False)["consultant_id"]
        assign = reverse("crm:lead_assign", args=[_PK])
        context.update(unclaimed=[(row, names.get(row.lead.consultant_id or 0, ""),
                                   assign.replace(str(_PK), str(row.lead.pk))) for row in inbox_rows(
            member=member, unclaimed_only=True, clock=clock, limit=UNCLAIMED_SHOWN)],
            assign_select=str(menu), unclaimed_total=unclaimed_count())
    return render(request, "crm/leads/inbox.html", context)


@require_POST
@store_view(Perm.MANAGE_LEADS)
def claim_view(request: HttpRequest, pk: int) -> HttpResponse:
    """认领: the consultant it was assigned to takes it (the reassignment clock stops)."""
    member = member_of(request)
    lead = get_lead_for_member(member, pk)
    done, _error = attempt(request, lambda: lead_claim(member=member, lead=lead))
    if done is not None:
        messages.success(request, _("已认领：%(name)s，请尽快联系。") % {"name": lead.customer.name})
    return redirect("crm:lead_inbox")


def _outcome_message(result: IntakeResult) -> str:
    """What reception is told: the outcome only for a lead they may see (never a colleague's customer)."""
    if result.intake is None or not result.visible:
        return _("已登记来电线索，已按规则分配。")
    return {
        IntakeOutcome.CREATED: _("已登记来电线索（新建）。"),
        IntakeOutcome.MERGED: _("已登记：并入该客户进行中的线索。"),
        IntakeOutcome.DUPLICATE: _("已登记：7 天内已有该手机号的线索，未重复创建。"),
    }[IntakeOutcome(result.intake.outcome)]


@store_view(Perm.MANAGE_LEADS)
def contact_view(request: HttpRequest, pk: int) -> HttpResponse:
    """首次联系: log the call or visit (the form keeps what was typed when it has errors)."""
    member = member_of(request)
    lead = get_lead_for_member(member, pk)
    form = FirstContactForm(request.POST or None)
    if request.method == "POST":
        done = run_form(form, lambda d: followup_create(
            member=member, customer=lead.customer, lead=lead, channel=d["channel"], content=d["content"],
            outcome=d["outcome"], next_on=d["next_on"]))
        if done is not None:
            lead.refresh_from_db()
            if lead.first_contact_at is not None:
                messages.success(request, _("已记录首次联系：%(name)s。") % {"name": lead.customer.name})
            else:
                messages.warning(request, _("已记录，但未接通不算首次联系，请再次联系。"))
            return redirect("crm:lead_inbox")
    return render(request, "crm/leads/contact.html", {"lead": lead, "form": form},
                  status=400 if form.errors else 200)


@require_POST
@store_view(Perm.REASSIGN_CUSTOMERS)
def assign_view(request: HttpRequest, pk: int) -> HttpResponse:
    member = member_of(request)
    lead = get_lead_for_member(member, pk)
    form = AssignForm(request.POST, consultants=_consultant_choices())
    if run_form(form, lambda d: lead_assign(member=member, lead=lead, consultant_id=d["consultant_id"])):
        messages.success(request, _("已分配。"))
    else:
        form_errors_as_messages(request, form)
    return redirect("crm:lead_inbox")


@require_POST
@store_view(Perm.MANAGE_LEADS)
def duty_view(request: HttpRequest) -> HttpResponse:
    member = member_of(request)
    duty = duty_set(member=member, on_duty=request.POST.get("on_duty") == "1")
    messages.success(request, _("已设为在岗，会分到新线索。") if duty.on_duty else _("已设为离岗，不再分到新线索。"))
    return redirect("crm:lead_inbox")


@store_view(Perm.EDIT_CUSTOMERS)
def hotline_page(request: HttpRequest) -> HttpResponse:
    """400来电登记: the same intake as a platform push (dedupe, routing, deadline)."""
    member = member_of(request)
    form = HotlineLeadForm(request.POST or None)
    if request.method == "POST":
        result = run_form(form, lambda d: lead_receive(member=member, item=IntakeItem(
            source=d["source"], mobile=d["mobile"], name=d["name"], campaign=d["campaign"],
            model_of_interest=d["model_of_interest"])))
        if result is not None:
            messages.success(request, _outcome_message(result))
            return redirect("crm:lead_hotline")
    return render(request, "crm/leads/hotline.html", {"form": form}, status=400 if form.errors else 200)


@store_view(Perm.IMPORT_EXPORT)
def import_page(request: HttpRequest) -> HttpResponse:
    """线索导入: a platform's export file, recognised by its header; all rows or none."""
    member = member_of(request)
    form = LeadImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        report = run_form(form, lambda d: lead_import(member=member, filename=upload.name, content=upload.read()))
        if report is not None and report.ok:
            messages.success(request, report.message)
            return redirect("crm:lead_import")
    status = 400 if form.errors or (report is not None and not report.ok) else 200
    return render(request, "crm/leads/import.html", {"form": form, "report": report}, status=status)


@store_view(Perm.SUPERVISE)
def response_page(request: StoreRequest) -> HttpResponse:
    """首次响应: per source, median working minutes to the first human contact and the share in time,
    for the last 30 days (store time)."""
    today = timezone.localdate()
    days = 30
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(today - dt.timedelta(days=days - 1), dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(today + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return render(request, "crm/leads/response.html", {
        "rows": first_response_stats(start, end), "start": start.date(), "end": today,
        "policy": lead_policy(request.tenant)})


@store_view(Perm.REASSIGN_CUSTOMERS)
def settings_page(request: HttpRequest) -> HttpResponse:
    """线索设置: per source, who its leads go to and where its status goes back (signed webhook)."""
    member = member_of(request)
    form = LeadSettingsForm(request.POST or None, consultants=_consultant_choices())
    if request.method == "POST":
        if run_form(form, lambda d: lead_settings_save(
                member=member, source=d["source"], consultant_ids=d["consultant_ids"], hook_url=d["hook_url"],
                hook_secret=d["hook_secret"], hook_enabled=d["hook_enabled"])) is not None:
            messages.success(request, _("线索设置已保存。"))
            return redirect("crm:lead_settings")
    names = staff_names(store_id())
    rules = {r.source: [names.get(c, "") for c in r.consultant_ids] for r in LeadRoutingRule.objects.all()}
    hooks = {h.source: h for h in LeadSourceHook.objects.all()}
    rows = [{"source": code, "label": label, "consultants": rules.get(code, []), "hook": hooks.get(code)}
            for code, label in LeadSource.choices]
    return render(request, "crm/leads/settings.html", {"form": form, "rows": rows},
                  status=400 if form.errors else 200)


@store_view(Perm.MANAGE_LEADS)
def schedule_page(request: HttpRequest) -> HttpResponse:
    """顾问排班: the week grid of every sales consultant (the sales manager, the GM); a consultant sees only
    their own row and cannot change it."""
    member = member_of(request)
    editor = may_edit_schedules(member)
    staff = store_staff(store_id(), roles=(StoreRole.SALES_CONSULTANT,))
    if not editor:
        staff = [m for m in staff if m.user_id == member.user_id]
    store = current_store()
    return render(request, "crm/leads/schedule.html", {
        "rows": schedule_rows(store=store, members=staff, today=timezone.localdate()), "editor": editor,
        "day_labels": [DAY_LABELS[d] for d in WEEKDAYS]})


@store_view(Perm.SALES_DECISIONS)
def schedule_edit_page(request: HttpRequest, user_id: int) -> HttpResponse:
    """One consultant's 排班: 在岗, the store's hours or their own per day (a day unticked = 休息)."""
    member = member_of(request)
    consultant = next((m for m in store_staff(store_id(), roles=(StoreRole.SALES_CONSULTANT,))
                       if m.user_id == user_id), None)
    if consultant is None:
        raise Http404(_("页面不存在"))
    on_duty, own = schedule_of(user_id)
    store = current_store()
    initial = {**hours_initial(own or store.working_hours), "on_duty": on_duty, "same_as_store": not own}
    form = ScheduleForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST":
        done = run_form(form, lambda d: consultant_schedule_set(
            member=member, consultant_id=user_id, on_duty=d["on_duty"], hours=form.schedule()))
        if done is not None:
            messages.success(request, _("已保存 %(name)s 的排班。") % {"name": consultant.user.name})
            return redirect("crm:lead_schedule")
    return render(request, "crm/leads/schedule_edit.html", {"form": form, "consultant": consultant},
                  status=400 if form.errors else 200)
