"""After-sales pages on a store's domain: return-visit queue and call screen, complaints (intake,
detail with the state machine, print), corrective actions, the GM's page, the monthly report."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from tenants.access import store_view
from tenants.errors import DomainError
from tenants.exports import download
from tenants.forms import run_form
from tenants.redirects import redirect_next
from tenants.requests import member_of
from tenants.roles import Perm, role_allows

from ..access import get_customer_for_member, staff_names, store_staff
from ..models import Customer
from ..models.aftersales import (
    ActionKind,
    ActionSource,
    CallOutcome,
    CauseCategory,
    ComplaintChannel,
    ComplaintStage,
    ComplaintState,
    CorrectiveAction,
    PersonCalled,
    Satisfaction,
)
from ..views.common import as_datetime, as_int, s, store_id
from . import actions as action_services
from . import complaints as complaint_services
from .forms import CorrectiveActionForm
from .policy import current_store, survey_current, survey_version
from .report import chart_data, monthly_report, parse_report_period, report_rows, report_xlsx
from .selectors import (
    actions_list,
    complaint_history,
    complaint_list,
    get_complaint_for_member,
    get_visit,
    gm_overview,
    notifications_for,
    visit_queue,
    visit_queue_days,
)
from .survey_link import survey_link_send, visit_invitation
from .visits import OPEN_STATUSES, return_visit_record, visit_open_call


def _day(request: HttpRequest) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        return timezone.localdate()


# ------------------------------------------------------------------ return visits


class QueueFilter(forms.Form):
    """回访队列的筛选: 今日待拨 (with the backlog of earlier days), one day, or a week (本周/下周)."""

    SCOPES = (("due", _("今日待拨（含逾期）")), ("day", _("按日")), ("week", _("按周")))
    scope = forms.ChoiceField(choices=SCOPES, required=False)
    day = forms.DateField(required=False, label=_("日期"))
    mine = forms.BooleanField(required=False)


@store_view(Perm.RETURN_VISITS)
def visit_queue_page(request: HttpRequest) -> HttpResponse:
    """回访工作队列: today's calls with the overdue backlog, or the calls planned on a day or a week
    (with the number per day, to plan the week); the caller's own or everyone's. Reads only."""
    today = timezone.localdate()
    form = QueueFilter(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    scope = data.get("scope") or "due"
    day = data.get("day") or today
    mine = bool(data.get("mine"))
    assignee = member_of(request).user_id if mine else None
    monday = day - dt.timedelta(days=day.weekday())
    if scope == "week":
        qs = visit_queue(day=monday + dt.timedelta(days=6), day_from=monday, assignee_id=assignee)
    elif scope == "day":
        qs = visit_queue(day=day, day_from=day, assignee_id=assignee)
    else:
        day = today
        qs = visit_queue(day=today, assignee_id=assignee)
    week = visit_queue_days(day_from=monday, day_to=monday + dt.timedelta(days=6), assignee_id=assignee)
    return render(request, "crm/aftersales/visit_queue.html", {
        "visits": list(qs[:300]), "day": day, "scope": scope, "mine": mine, "names": staff_names(store_id()),
        "today": today, "week": week, "monday": monday, "form": form,
        "this_monday": today - dt.timedelta(days=today.weekday()),
        "next_monday": today - dt.timedelta(days=today.weekday()) + dt.timedelta(days=7),
    }, status=400 if form.errors else 200)


def _answers_from(request: HttpRequest) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for key, value in request.POST.items():
        if key.startswith("q_"):
            qkey = key[2:]
            out[qkey] = {"value": value, "remark": request.POST.get(f"remark_{qkey}", "")}
    return out


@store_view(Perm.RETURN_VISITS)
@require_http_methods(["GET", "POST"])
def visit_call_page(request: HttpRequest, pk: int) -> HttpResponse:
    """回访电话: customer, vehicle, the visit asked about, the current survey, outcome buttons."""
    visit = get_visit(pk)
    ctx: dict[str, Any] = {}
    if request.method == "POST":
        try:
            visit = return_visit_record(
                member=member_of(request), visit=visit, outcome=s(request, "outcome"),
                person_called=s(request, "person_called"), person_name=s(request, "person_name"),
                answers=_answers_from(request), remark=s(request, "remark"),
                complaint_raised=request.POST.get("complaint_raised") == "on", note=s(request, "note"))
        except DomainError as exc:
            ctx = {"error": exc.message, "field": exc.field, "posted": request.POST}
        else:
            if request.POST.get("then") == "complaint" and visit.status == "completed":
                c = complaint_services.complaint_draft_from_visit(member=member_of(request), visit=visit)
                messages.success(request, gettext("已记录回访并生成投诉草稿 %(code)s，请补充后提交总经理。") % {"code": c.code})
                return redirect("aftersales:complaint_detail", pk=c.pk)
            messages.success(request, gettext("已记录：%(status)s") % {"status": visit.get_status_display()})
            return redirect("aftersales:visit", pk=visit.pk)
    done = visit.status not in OPEN_STATUSES
    survey = (survey_version(visit.survey_version_id) if done and visit.survey_version_id else None)
    if survey is None and not done:
        try:
            survey = survey_current()
        except DomainError as exc:
            ctx.setdefault("error", exc.message)
    answers = {a.question_key: a for a in visit.answers.all()}
    names = staff_names(store_id())
    ctx["call"] = visit_open_call(visit) if not done else None
    sv = visit.service_visit
    ctx.update({
        "v": visit, "c": visit.customer, "vehicle": visit.vehicle, "sv": sv, "done": done, "survey": survey,
        "answers": answers, "calls": list(visit.calls.all()), "names": names,
        "advisor_name": names.get(sv.advisor_id or 0, "") if sv else "",
        "outcomes": CallOutcome.choices, "persons": PersonCalled.choices,
        "complaints": list(visit.complaints.all()),
        "can_complain": role_allows(member_of(request).role, Perm.COMPLAINTS),
        "invitation": visit_invitation(visit), "now": timezone.now(),
    })
    return render(request, "crm/aftersales/visit_call.html", ctx, status=400 if ctx.get("error") else 200)


@store_view(Perm.RETURN_VISITS)
@require_POST
def visit_survey_link(request: HttpRequest, pk: int) -> HttpResponse:
    """发送问卷链接: the survey goes to the customer by SMS to answer on the web; the call stays open."""
    visit = get_visit(pk)
    try:
        inv = survey_link_send(member=member_of(request), visit=visit)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, gettext("问卷链接已排队发送，有效至 %(until)s；客户填写后本回访自动完成。")
                         % {"until": timezone.localtime(inv.expires_at).strftime("%Y-%m-%d %H:%M")})
    return redirect("aftersales:visit", pk=visit.pk)


@store_view(Perm.COMPLAINTS)
@require_POST
def visit_complaint_draft(request: HttpRequest, pk: int) -> HttpResponse:
    """一键生成投诉草稿 from a recorded call."""
    visit = get_visit(pk)
    try:
        c = complaint_services.complaint_draft_from_visit(member=member_of(request), visit=visit)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("aftersales:visit", pk=visit.pk)
    messages.success(request, gettext("已生成投诉草稿 %(code)s。") % {"code": c.code})
    return redirect("aftersales:complaint_detail", pk=c.pk)


# ------------------------------------------------------------------ complaints


@store_view(Perm.VIEW_STORE)
def complaint_list_page(request: HttpRequest) -> HttpResponse:
    """投诉列表: everything for handlers and managers; a consultant's own customers' complaints."""
    state = request.GET.get("state", "open")
    escalated = request.GET.get("escalated") == "1"
    rows = list(complaint_list(member=member_of(request), state=state, escalated=escalated)[:300])
    return render(request, "crm/aftersales/complaint_list.html", {
        "rows": rows, "state": state, "escalated": escalated, "states": ComplaintState.choices,
        "can_handle": role_allows(member_of(request).role, Perm.COMPLAINTS),
    })


def _intake_kwargs(request: HttpRequest) -> dict[str, Any]:
    return {
        "description": s(request, "description"), "expected_resolution": s(request, "expected_resolution"),
        "contact_name": s(request, "contact_name"), "contact_phone": s(request, "contact_phone"),
        "read_back_confirmed": request.POST.get("read_back_confirmed") == "on",
        "object_model": s(request, "object_model"), "object_stage": s(request, "object_stage"),
        "staff_involved_id": as_int(s(request, "staff_involved_id"), gettext("涉及员工")),
    }


def _find_customer(request: HttpRequest) -> Customer | None:
    member = member_of(request)
    cid = request.POST.get("customer") or request.GET.get("customer")
    if cid:
        return get_customer_for_member(member, cid)
    mobile = (request.POST.get("customer_mobile") or request.GET.get("mobile") or "").strip()
    if mobile:
        found = Customer.objects.filter(mobile=mobile).first()
        if found is None:
            raise DomainError(gettext("未找到手机号为 %(mobile)s 的客户，请先建档。") % {"mobile": mobile}, field="customer_mobile")
        return found
    return None


@store_view(Perm.COMPLAINTS)
@require_http_methods(["GET", "POST"])
def complaint_new(request: HttpRequest) -> HttpResponse:
    """投诉登记: channel, customer, object, description, expected resolution, contact, read back."""
    ctx: dict[str, Any] = {"channels": ComplaintChannel.choices, "stages": ComplaintStage.choices,
                           "staff": store_staff(store_id())}
    try:
        customer = _find_customer(request)
    except DomainError as exc:
        customer, ctx["error"] = None, exc.message
    ctx["customer"] = customer
    ctx["vehicles"] = list(customer.vehicles.all()) if customer else []
    if request.method == "POST" and customer is not None:
        vehicle_id = as_int(s(request, "vehicle"), gettext("车辆"))
        vehicle = next((v for v in ctx["vehicles"] if v.pk == vehicle_id), None)
        try:
            c = complaint_services.complaint_create(
                member=member_of(request), customer=customer, channel=s(request, "channel"), vehicle=vehicle,
                reported_at=as_datetime(s(request, "reported_at"), gettext("反映时间")),
                submit=request.POST.get("draft") != "1", **_intake_kwargs(request))
        except DomainError as exc:
            ctx.update(error=exc.message, field=exc.field, posted=request.POST)
        else:
            messages.success(request, (gettext("投诉 %(code)s 已受理并递交总经理。") if c.state != "draft"
                                      else gettext("投诉 %(code)s 已保存为草稿。")) % {"code": c.code})
            return redirect("aftersales:complaint_detail", pk=c.pk)
    elif request.method == "POST":
        ctx.setdefault("error", gettext("请先选择投诉的客户。"))
    return render(request, "crm/aftersales/complaint_new.html", ctx, status=400 if ctx.get("error") else 200)


def _detail_ctx(request: HttpRequest, pk: int) -> dict[str, Any]:
    c = get_complaint_for_member(member_of(request), pk)
    names = staff_names(store_id())
    return {"c": c, **complaint_history(c), "names": names,
            "moves": complaint_services.actions_from(c.state, member_of(request).role),
            "can_handle": role_allows(member_of(request).role, Perm.COMPLAINTS),
            "causes": CauseCategory.choices, "satisfactions": Satisfaction.choices, "stages": ComplaintStage.choices,
            "staff": store_staff(store_id()), "vehicles": list(c.customer.vehicles.all()),
            "kinds": ActionKind.choices, "now": timezone.now()}


@store_view(Perm.VIEW_STORE)
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """投诉详情: the record, its deadlines and escalation, the history and the next allowed steps."""
    return render(request, "crm/aftersales/complaint_detail.html", _detail_ctx(request, pk))


@store_view(Perm.COMPLAINTS)
@require_POST
def complaint_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Save a draft's intake fields (and submit it if asked)."""
    c = get_complaint_for_member(member_of(request), pk)
    try:
        c = complaint_services.complaint_update(member=member_of(request), complaint=c, **_intake_kwargs(request))
        if request.POST.get("submit") == "1":
            c = complaint_services.complaint_transition(member=member_of(request), complaint=c, action="submit")
            messages.success(request, gettext("投诉 %(code)s 已受理并递交总经理（抄送服务经理）。") % {"code": c.code})
        else:
            messages.success(request, gettext("草稿已保存。"))
    except DomainError as exc:
        ctx = _detail_ctx(request, pk) | {"error": exc.message, "field": exc.field}
        return render(request, "crm/aftersales/complaint_detail.html", ctx, status=400)
    return redirect("aftersales:complaint_detail", pk=c.pk)


@store_view(Perm.COMPLAINTS)
@require_POST
def complaint_transition_view(request: HttpRequest, pk: int) -> HttpResponse:
    c = get_complaint_for_member(member_of(request), pk)
    action = s(request, "action")
    try:
        if action == "delete_draft":
            complaint_services.complaint_draft_delete(member=member_of(request), complaint=c)
            messages.success(request, gettext("草稿已删除。"))
            return redirect("aftersales:complaints")
        c = complaint_services.complaint_transition(
            member=member_of(request), complaint=c, action=action, note=s(request, "note"),
            apologised=request.POST.get("apologised") == "on",
            reply_promised_at=as_datetime(s(request, "reply_promised_at"), gettext("承诺回复时间")),
            departments=s(request, "departments"), cause_category=s(request, "cause_category"),
            cause_detail=s(request, "cause_detail"), responsible_party=s(request, "responsible_party"),
            negligence_staff_id=as_int(s(request, "negligence_staff_id"), gettext("过失员工")),
            negligence=s(request, "negligence"), solution=s(request, "solution"),
            satisfaction=s(request, "satisfaction"))
    except DomainError as exc:
        ctx = _detail_ctx(request, pk) | {"error": exc.message, "field": exc.field, "posted": request.POST}
        return render(request, "crm/aftersales/complaint_detail.html", ctx, status=400)
    messages.success(request, gettext("投诉 %(code)s：%(state)s") % {"code": c.code, "state": c.get_state_display()})
    return redirect("aftersales:complaint_detail", pk=c.pk)


@store_view(Perm.VIEW_STORE)
def complaint_print(request: HttpRequest, pk: int) -> HttpResponse:
    """维修回访/投诉处理表: a clean page for printing or saving as PDF."""
    ctx = _detail_ctx(request, pk)
    ctx["store"] = current_store()
    ctx["answers"] = list(ctx["c"].return_visit.answers.all()) if ctx["c"].return_visit else []
    return render(request, "crm/aftersales/complaint_print.html", ctx)


# ------------------------------------------------------------------ corrective actions


@store_view(Perm.COMPLAINTS)
@require_http_methods(["GET", "POST"])
def actions_page(request: HttpRequest) -> HttpResponse:
    """整改措施/预防措施: the list, and a new measure from a complaint or the monthly report."""
    member = member_of(request)
    staff = store_staff(store_id())
    prefill = {"complaint": request.GET.get("complaint", ""), "report_month": request.GET.get("month", "")}
    prefill["source"] = (ActionSource.COMPLAINT if prefill["complaint"]
                         else ActionSource.MONTHLY_REPORT if prefill["report_month"] else "")
    form = CorrectiveActionForm(request.POST if request.method == "POST" else None, staff=staff, initial=prefill)
    if form.is_bound:
        done = run_form(form, lambda d: action_services.corrective_action_create(
            member=member, kind=d["kind"], source=d["source"], description=d["description"],
            owner_id=d["owner_id"], deadline=d["deadline"], report_month=d["report_month"],
            complaint=get_complaint_for_member(member, d["complaint"]) if d["complaint"] else None))
        if done is not None:
            messages.success(request, gettext("措施已提交，等待总经理批准。"))
            return redirect_next(request, "aftersales:actions")
    ctx: dict[str, Any] = {"form": form}
    ctx.update({"rows": list(actions_list(status=request.GET.get("status", ""))[:300]),
                "names": staff_names(store_id()), "today": timezone.localdate(),
                "can_approve": role_allows(member.role, Perm.APPROVE_ACTIONS)})
    return render(request, "crm/aftersales/actions.html", ctx, status=400 if form.errors else 200)


def _action(pk: int) -> CorrectiveAction:
    action = CorrectiveAction.objects.filter(pk=pk).first()
    if action is None:
        raise Http404(gettext("页面不存在"))
    return action


@store_view(Perm.COMPLAINTS)  # the GM, or the service manager for a measure the GM raised (the service decides)
@require_POST
def action_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """批准 with the approver's optional comment."""
    return _review(request, pk, action_services.corrective_action_approve, gettext("已批准。"))


@store_view(Perm.COMPLAINTS)
@require_POST
def action_return(request: HttpRequest, pk: int) -> HttpResponse:
    """退回修改 with the approver's comment."""
    return _review(request, pk, action_services.corrective_action_return, gettext("已退回修改，责任人会收到通知。"))


def _review(request: HttpRequest, pk: int, review: Any, done: str) -> HttpResponse:
    """The approver's decision on a measure (approve or send back): the service decides, the page reports."""
    form = ReviewForm(request.POST)
    form.is_valid()
    try:
        review(member=member_of(request), action=_action(pk), comment=form.cleaned_data.get("comment") or "")
        messages.success(request, done)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect_next(request, "aftersales:actions")


@store_view(Perm.VIEW_STORE)
@require_POST
def action_revise(request: HttpRequest, pk: int) -> HttpResponse:
    """修改后重新提交 by the owner (on 我负责的措施)."""
    action = _action(pk)  # another store's or a missing measure: 404 before anything is read
    form = ReviseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("aftersales:my_actions")
    try:
        action_services.corrective_action_revise(member=member_of(request), action=action,
                                                 description=form.cleaned_data["description"],
                                                 deadline=form.cleaned_data["deadline"])
        messages.success(request, gettext("已修改并重新提交审批。"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("aftersales:my_actions")


@store_view(Perm.VIEW_STORE)
@require_POST
def action_complete(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        action_services.corrective_action_complete(member=member_of(request), action=_action(pk),
                                                   result=s(request, "result"), evidence=s(request, "evidence"))
        messages.success(request, gettext("已填报完成情况。"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("aftersales:my_actions")


class ReviewForm(forms.Form):
    comment = forms.CharField(required=False, max_length=2000, strip=True)


class ReviseForm(forms.Form):
    description = forms.CharField(max_length=4000, strip=True, error_messages={"required": _("请填写措施内容。")})
    deadline = forms.DateField(error_messages={"required": _("请填写完成期限。"), "invalid": _("完成期限格式不正确。")})


@store_view(Perm.VIEW_STORE)
def my_actions_page(request: HttpRequest) -> HttpResponse:
    """我负责的整改措施: what the owner has to carry out and report."""
    rows = list(CorrectiveAction.objects.filter(owner_id=member_of(request).user_id).order_by("status", "deadline"))
    return render(request, "crm/aftersales/my_actions.html", {"rows": rows, "today": timezone.localdate()})


@store_view(Perm.APPROVE_ACTIONS)
def gm_page(request: HttpRequest) -> HttpResponse:
    """总经理: measures to approve, overdue measures, complaints escalated and not yet handled."""
    ctx = gm_overview()
    ctx.update(names=staff_names(store_id()), today=timezone.localdate())
    return render(request, "crm/aftersales/gm.html", ctx)


# ------------------------------------------------------------------ monthly report


def _report(request: HttpRequest) -> Any:
    period = parse_report_period(request.GET.get("month"), request.GET.get("week"))
    return monthly_report(period)


@store_view(Perm.RETURN_VISITS)
def report_page(request: HttpRequest) -> HttpResponse:
    """回访月报 (或周报): the figures, charts, XLSX and print links."""
    try:
        report = _report(request)
    except DomainError as exc:
        return render(request, "crm/aftersales/report.html", {"error": exc.message}, status=400)
    return render(request, "crm/aftersales/report.html", {
        "r": report, "rows": report_rows(report), "charts": chart_data(report), "query": request.GET.urlencode()})


@store_view(Perm.RETURN_VISITS)
def report_export(request: HttpRequest) -> HttpResponse:
    try:
        report = _report(request)
    except DomainError as exc:
        return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")
    store = current_store()
    return download(report_xlsx(report, store.name), f"{report.title}-{report.period.code}.xlsx",
                    fallback=f"report-{report.period.code}.xlsx")


@store_view(Perm.RETURN_VISITS)
def report_print(request: HttpRequest) -> HttpResponse:
    try:
        report = _report(request)
    except DomainError as exc:
        return render(request, "crm/aftersales/report.html", {"error": exc.message}, status=400)
    return render(request, "crm/aftersales/report_print.html", {
        "r": report, "rows": report_rows(report), "store": current_store(), "printed_at": timezone.now()})


# ------------------------------------------------------------------ notifications


@store_view(Perm.VIEW_STORE)
@require_http_methods(["GET", "POST"])
def notifications_page(request: HttpRequest) -> HttpResponse:
    """站内通知: complaint forms sent to me, escalations, measures to approve."""
    uid = member_of(request).user_id
    if request.method == "POST":
        notifications_for(uid, unread_only=True).update(read_at=timezone.now())
        return redirect("aftersales:notifications")
    return render(request, "crm/aftersales/notifications.html", {"rows": list(notifications_for(uid)[:200])})
