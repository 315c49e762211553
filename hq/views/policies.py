"""HQ pages for policy templates: list, versions, editor, diff, publish, adoption per store."""

from __future__ import annotations

import json

from django.contrib import messages
from django.forms import BaseFormSet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from tenants.access import group_for_hq, hq_view
from tenants.errors import DomainError
from tenants.requests import is_hq_admin

from ..errors import PolicyTooManyTasks
from ..forms import CadenceRuleForm, CadenceRuleFormSet, LeadsPolicyForm, PolicyPublishForm, PoolPolicyForm
from ..models import PolicyKind, PolicyVersion
from ..policy.catalog import (
    ASSIGNEES,
    CHANNELS,
    MAX_TASKS_PER_CUSTOMER_YEAR,
    MESSAGE_FIELDS,
    OUTCOMES,
    REPEAT_UNTIL,
    TRIGGERS,
)
from ..policy.diff import policy_diff
from ..policy.preview import ContactPreview, contacts_preview
from ..policy.rules import LEADS_DEFAULT, policy_body_clean, tasks_per_year
from ..selectors import (
    calendar_years_to_check,
    policy_adoptions_for_group,
    policy_previous_published,
    policy_published_latest,
    policy_template_summaries,
    policy_version_for_group,
    policy_versions_for_group,
    work_calendar_for_group,
)
from ..services.policies import policy_draft_start, policy_draft_update, policy_version_publish


def _kind_or_404(kind: str) -> str:
    if kind not in PolicyKind.values:
        raise Http404(gettext("页面不存在"))
    return kind


def _version_or_404(request: HttpRequest, version_id: int) -> PolicyVersion:
    version = policy_version_for_group(group_for_hq(request), version_id)
    if version is None:
        raise Http404(gettext("页面不存在"))
    return version



@hq_view()
def policy_list(request: HttpRequest) -> HttpResponse:
    group = group_for_hq(request)
    calendar = work_calendar_for_group(group.pk)
    return render(request, "hq/policies/list.html", {
        "group": group, "summaries": policy_template_summaries(group), "is_admin": is_hq_admin(request),
        "missing_years": calendar.missing_years(calendar_years_to_check()),
    })


@hq_view()
def policy_versions(request: HttpRequest, kind: str) -> HttpResponse:
    group = group_for_hq(request)
    kind = _kind_or_404(kind)
    return render(request, "hq/policies/versions.html", {
        "group": group, "kind": kind, "kind_label": PolicyKind(kind).label,
        "versions": policy_versions_for_group(group, kind), "is_admin": is_hq_admin(request),
    })


@hq_view(admin=True)
@require_POST
def policy_draft_new(request: HttpRequest, kind: str) -> HttpResponse:
    draft = policy_draft_start(group=group_for_hq(request), kind=_kind_or_404(kind), actor=request.user)  # type: ignore[arg-type]
    return redirect("hq_policies:edit", version_id=draft.pk)


def _bound_note(version: PolicyVersion, body: dict) -> tuple[int | None, str]:  # type: ignore[type-arg]
    if version.template.kind != PolicyKind.CADENCE:
        return None, ""
    try:
        bound = tasks_per_year(policy_body_clean(PolicyKind.CADENCE, body, for_publish=False))
    except DomainError:
        return None, ""
    try:
        policy_body_clean(PolicyKind.CADENCE, body, for_publish=True)
    except PolicyTooManyTasks as exc:
        return bound, exc.message
    except DomainError:
        pass
    return bound, ""


def _rules_formset(request: HttpRequest, version: PolicyVersion) -> BaseFormSet:  # type: ignore[type-arg]
    initial = [CadenceRuleForm.initial_for(r) for r in version.body.get("rules", [])]
    if request.method == "POST":
        return CadenceRuleFormSet(request.POST, initial=initial, prefix="rule")
    return CadenceRuleFormSet(initial=initial, prefix="rule")


def _leads_form(request: HttpRequest, version: PolicyVersion) -> LeadsPolicyForm:
    """线索首次响应 settings of the draft (the default for versions written before they existed)."""
    initial = version.body.get("leads") or LEADS_DEFAULT
    return LeadsPolicyForm(request.POST if request.method == "POST" else None, initial=initial, prefix="leads")


def _preview(body: dict) -> tuple[ContactPreview | None, str]:  # type: ignore[type-arg]
    try:
        return contacts_preview(policy_body_clean(PolicyKind.CADENCE, body, for_publish=False)), ""
    except DomainError as exc:
        return None, exc.message


def _policy_form_edit(request: HttpRequest, version: PolicyVersion) -> HttpResponse:
    """跟进节奏表单编辑: one form per rule, a yearly-contacts preview and the pestering warning; the
    same content checks as the JSON editor (hq.policy.rules via policy_draft_update)."""
    formset = _rules_formset(request, version)
    pool_initial = PoolPolicyForm.initial_for(version.body)
    pool_form = PoolPolicyForm(request.POST if request.method == "POST" else None, initial=pool_initial, prefix="pool")
    leads_form = _leads_form(request, version)
    note = request.POST.get("note", version.note) if request.method == "POST" else version.note
    error, status = "", 200
    body = version.body
    if version.is_published:
        error = gettext("%(version)s 已发布，已发布的版本不能修改；请起草新版本。") % {"version": version.label}
        status = 409 if request.method == "POST" else 200
    elif request.method == "POST":
        if formset.is_valid() and pool_form.is_valid() and leads_form.is_valid():
            rules = [f.to_rule() for f in formset.forms
                     if f.cleaned_data and not f.cleaned_data.get("DELETE")]
            body = {**version.body, "rules": rules, "pool": dict(pool_form.cleaned_data),
                    "leads": dict(leads_form.cleaned_data)}
            if request.POST.get("action") == "save":
                try:
                    policy_draft_update(version=version, body=body, note=note, actor=request.user)  # type: ignore[arg-type]
                except DomainError as exc:
                    error, status = exc.message, exc.status
                else:
                    messages.success(request, gettext("%(version)s 草稿已保存。") % {"version": version.label})
                    return redirect("hq_policies:version", version_id=version.pk)
        else:
            error, status = gettext("表单中有错误，请按提示修改(已填写的内容都保留着)。"), 400
    preview, preview_error = _preview(body)
    return render(request, "hq/policies/edit_form.html", {
        "version": version, "kind_label": PolicyKind(version.template.kind).label, "formset": formset,
        "pool_form": pool_form, "leads_form": leads_form, "note": note, "error": error or preview_error,
        "preview": preview,
    }, status=status)


@hq_view(admin=True)
@require_http_methods(["GET", "POST"])
def policy_edit(request: HttpRequest, version_id: int) -> HttpResponse:
    version = _version_or_404(request, version_id)
    # The JSON editor posts `body`; everything else on a cadence draft is the rule form.
    if version.template.kind == PolicyKind.CADENCE and request.GET.get("mode") != "json" and "body" not in request.POST:
        return _policy_form_edit(request, version)
    text = json.dumps(version.body, ensure_ascii=False, indent=2)
    note = version.note
    error = ""
    status = 200
    if version.is_published:
        error = gettext("%(version)s 已发布，已发布的版本不能修改；请起草新版本。") % {"version": version.label}
        status = 409 if request.method == "POST" else 200
    elif request.method == "POST":
        text = request.POST.get("body", "")
        note = request.POST.get("note", "")
        try:
            body = json.loads(text)
        except json.JSONDecodeError as exc:
            error = gettext("JSON 格式错误：第 %(line)s 行第 %(col)s 列附近(%(msg)s)。") % {
                "line": exc.lineno, "col": exc.colno, "msg": exc.msg}
            status = 400
        else:
            try:
                policy_draft_update(version=version, body=body, note=note, actor=request.user)  # type: ignore[arg-type]
            except DomainError as exc:
                error, status = exc.message, exc.status
            else:
                messages.success(request, gettext("%(version)s 草稿已保存。") % {"version": version.label})
                return redirect("hq_policies:version", version_id=version.pk)
    bound, bound_error = _bound_note(version, version.body)
    return render(request, "hq/policies/edit.html", {
        "version": version, "kind_label": PolicyKind(version.template.kind).label, "text": text, "note": note,
        "error": error, "bound": bound, "bound_error": bound_error, "max_tasks": MAX_TASKS_PER_CUSTOMER_YEAR,
        "catalog": {"triggers": {k: t.label for k, t in TRIGGERS.items()}, "channels": CHANNELS,
                    "assignees": ASSIGNEES, "outcomes": OUTCOMES, "repeat_until": REPEAT_UNTIL,
                    "fields": MESSAGE_FIELDS},
    }, status=status)


@hq_view()
def policy_version(request: HttpRequest, version_id: int) -> HttpResponse:
    """版本详情与对比: the version beside the previous published one, field by field."""
    version = _version_or_404(request, version_id)
    previous = policy_previous_published(version)
    rows = policy_diff(version.template.kind, previous.body if previous else None, version.body)
    bound, bound_error = _bound_note(version, version.body)
    preview = _preview(version.body)[0] if version.template.kind == PolicyKind.CADENCE else None
    return render(request, "hq/policies/version.html", {
        "preview": preview, "publish_form": PolicyPublishForm(),
        "version": version, "previous": previous, "rows": rows, "kind_label": PolicyKind(version.template.kind).label,
        "is_admin": is_hq_admin(request), "bound": bound, "bound_error": bound_error,
        "max_tasks": MAX_TASKS_PER_CUSTOMER_YEAR,
        "body_json": json.dumps(version.body, ensure_ascii=False, indent=2),
    })


@hq_view(admin=True)
@require_POST
def policy_publish(request: HttpRequest, version_id: int) -> HttpResponse:
    version = _version_or_404(request, version_id)
    form = PolicyPublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("未能发布：%(reason)s") % {
            "reason": "；".join(str(e) for errs in form.errors.values() for e in errs)})
        return redirect("hq_policies:version", version_id=version.pk)
    try:
        published = policy_version_publish(version=version, actor=request.user,  # type: ignore[arg-type]
                                           effective_on=form.cleaned_data.get("effective_on"))
    except DomainError as exc:
        messages.error(request, gettext("未能发布：%(reason)s") % {"reason": exc.message})
        return redirect("hq_policies:version", version_id=version.pk)
    if published.effective_on:
        messages.success(request, gettext("%(version)s 已发布，将于 %(day)s 在各门店生效，届时门店管理者会收到变更通知。") % {
            "version": published.label, "day": date_format(published.effective_on, gettext("Y年n月j日"))})
    else:
        messages.success(request, gettext("%(version)s 已发布，正在下发到各门店。") % {"version": published.label})
    return redirect("hq_policies:stores", kind=published.template.kind)


@hq_view()
def policy_stores(request: HttpRequest, kind: str) -> HttpResponse:
    """门店执行情况: which version each store has in force, since when, with how many overrides."""
    group = group_for_hq(request)
    kind = _kind_or_404(kind)
    rows = policy_adoptions_for_group(group, kind)
    latest = policy_published_latest(group, kind)
    scheduled = latest if latest and latest.effective_on and latest.effective_on > timezone.localdate() else None
    return render(request, "hq/policies/stores.html", {
        "group": group, "kind": kind, "kind_label": PolicyKind(kind).label, "rows": rows,
        "current": sum(1 for r in rows if r.is_current), "scheduled": scheduled,
    })
