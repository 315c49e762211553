"""员工管理 pages: the GM on the store domain, the group's HQ admin for any store of the group.

Both call the same services (tenants.services.staff); the HQ pages run on the base domain, so the
hand-over they trigger switches into the store's schema inside the service.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from ..access import group_for_hq, hq_view, store_view
from ..errors import DomainError
from ..forms import InviteForm, ReassignForm, RoleForm, SuccessorForm, WeComUserForm
from ..models import Store, StoreMembership, User
from ..requests import StoreRequest
from ..roles import Perm
from ..selectors import (
    account_events_for_group,
    account_events_for_store,
    store_for_group,
    store_invitations,
    store_members,
)
from ..services.staff import (
    invitation_resend,
    invitation_revoke,
    invitation_url,
    member_deactivate,
    member_owned_work,
    member_set_role,
    member_wecom_set,
    member_work_reassign,
    staff_invite,
)

WORK_LABELS = {
    "customers": gettext_lazy("客户"), "leads": gettext_lazy("跟进中线索"), "tasks": gettext_lazy("待办跟进任务"), "return_visits": gettext_lazy("待回访"),
    "complaints": gettext_lazy("处理中投诉"), "corrective_actions": gettext_lazy("整改/预防措施"),
}


def _labelled(counts: dict[str, int]) -> list[tuple[str, int]]:
    return [(str(WORK_LABELS.get(k, k)), n) for k, n in counts.items() if n]


def _store_of(request: HttpRequest, store_id: int | None) -> tuple[Store, str]:
    """The store being managed and the URL prefix of its staff pages (store domain or HQ)."""
    if store_id is None:
        return cast(StoreRequest, request).tenant, reverse("store:staff")  # a store page: store_view checked it
    store = store_for_group(group_for_hq(request), store_id)
    if store is None or store.status == Store.Status.ARCHIVED:
        raise Http404(_("页面不存在"))
    return store, reverse("hq:store_staff", kwargs={"store_id": store.pk})


def _actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _staff_page(request: HttpRequest, store_id: int | None, *, wecom_error: dict[str, Any] | None = None
                ) -> HttpResponse:
    store, base = _store_of(request, store_id)
    form = InviteForm(request.POST if request.method == "POST" and wecom_error is None else None)
    invite_link = ""
    status = 200
    if request.method == "POST" and wecom_error is None:
        if form.is_valid():
            try:
                invitation = staff_invite(actor=_actor(request), store=store, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                invite_link = invitation_url(invitation)
                messages.success(request, _("邀请已发出，短信已发送到 %(mobile)s。") % {"mobile": form.cleaned_data["mobile"]})
                form = InviteForm()
        status = 400 if form.errors else 200
    ctx: dict[str, Any] = {
        "store": store, "base": base, "form": form, "invite_link": invite_link,
        "members": store_members(store.pk, include_inactive=True), "role_form": RoleForm(),
        "invitations": store_invitations(store)[:50], "events": account_events_for_store(store, limit=30),
        "is_hq": store_id is not None, "wecom_error": wecom_error or {},
    }
    return render(request, "tenants/staff.html", ctx, status=400 if wecom_error else status)


def _invitation_action(request: HttpRequest, store_id: int | None, invitation_id: int, action: str) -> HttpResponse:
    store, base = _store_of(request, store_id)
    if action not in ("resend", "revoke"):
        raise Http404(_("页面不存在"))
    try:
        if action == "resend":
            invitation = invitation_resend(actor=_actor(request), store=store, invitation_id=invitation_id)
            messages.success(request, _("邀请已重发，新链接：%(url)s") % {"url": invitation_url(invitation)})
        else:
            invitation_revoke(actor=_actor(request), store=store, invitation_id=invitation_id)
            messages.success(request, _("邀请已撤销，链接已失效。"))
    except DomainError as exc:
        if exc.status == 404:
            raise Http404(_("页面不存在")) from exc
        messages.error(request, exc.message)
    return redirect(base)


def _member(store: Store, membership_id: int) -> StoreMembership:
    membership = StoreMembership.objects.select_related("user").filter(store=store, pk=membership_id).first()
    if membership is None:
        raise Http404(_("页面不存在"))
    return membership


def _role_change(request: HttpRequest, store_id: int | None, membership_id: int) -> HttpResponse:
    store, base = _store_of(request, store_id)
    membership = _member(store, membership_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择岗位。"))
        return redirect(base)
    try:
        member_set_role(actor=_actor(request), store=store, membership_id=membership.pk, role=form.cleaned_data["role"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(name)s 的岗位已调整。") % {"name": membership.user.name})
    return redirect(base)


def _wecom_set(request: HttpRequest, store_id: int | None, membership_id: int) -> HttpResponse:
    store, base = _store_of(request, store_id)
    membership = _member(store, membership_id)
    form = WeComUserForm(request.POST)
    typed = str(request.POST.get("wecom_userid", ""))[:200]
    error = ""
    if not form.is_valid():
        error = str(form.errors["wecom_userid"][0])
    else:
        try:
            member_wecom_set(actor=_actor(request), store=store, membership_id=membership.pk,
                             userid=form.cleaned_data["wecom_userid"])
        except DomainError as exc:
            error = exc.message
    if error:
        return _staff_page(request, store_id, wecom_error={"pk": membership.pk, "value": typed, "message": error})
    messages.success(request, _("%(name)s 的企业微信账号已保存。") % {"name": membership.user.name})
    return redirect(base)


def _deactivate(request: HttpRequest, store_id: int | None, membership_id: int) -> HttpResponse:
    store, base = _store_of(request, store_id)
    membership = _member(store, membership_id)
    if not membership.is_active:
        raise Http404(_("页面不存在"))
    successors = [(m.user_id, f"{m.user.name} · {m.get_role_display()}") for m in store_members(store.pk)
                  if m.user_id != membership.user_id]
    form = SuccessorForm(request.POST if request.method == "POST" else None, successors=successors)
    owned = member_owned_work(store=store, user_id=membership.user_id)
    if request.method == "POST" and form.is_valid():
        try:
            moved = member_deactivate(actor=_actor(request), store=store, membership_id=membership.pk,
                                      successor_id=form.cleaned_data["successor"])
        except DomainError as exc:
            form.add_error("successor" if exc.field in ("successor", "consultant_id") else None, exc.message)
        else:
            summary = "、".join(f"{label} {n}" for label, n in _labelled(moved)) or _("无")
            messages.success(request, _("%(name)s 已停用，交接：%(summary)s。") % {"name": membership.user.name,
                                                                            "summary": summary})
            return redirect(base)
    return render(request, "tenants/staff_deactivate.html",
                  {"store": store, "base": base, "membership": membership, "form": form, "owned": _labelled(owned)},
                  status=400 if form.errors else 200)


# ---------------------------------------------------------------- store domain (the GM)

@store_view(Perm.MANAGE_STORE)
@require_http_methods(["GET", "POST"])
def staff_page(request: HttpRequest) -> HttpResponse:
    """员工管理: members, pending invitations, invite by mobile, recent account events."""
    return _staff_page(request, None)


@store_view(Perm.MANAGE_STORE)
@require_POST
def invitation_action(request: HttpRequest, invitation_id: int, action: str) -> HttpResponse:
    """重发 / 撤销 an invitation."""
    return _invitation_action(request, None, invitation_id, action)


@store_view(Perm.MANAGE_STORE)
@require_POST
def member_role(request: HttpRequest, membership_id: int) -> HttpResponse:
    """调整岗位."""
    return _role_change(request, None, membership_id)


@store_view(Perm.MANAGE_STORE)
@require_POST
def member_wecom(request: HttpRequest, membership_id: int) -> HttpResponse:
    """企业微信账号 of a member."""
    return _wecom_set(request, None, membership_id)


@store_view(Perm.MANAGE_STORE)
@require_http_methods(["GET", "POST"])
def member_deactivate_page(request: HttpRequest, membership_id: int) -> HttpResponse:
    """停用员工 with 离职交接."""
    return _deactivate(request, None, membership_id)


@store_view(Perm.MANAGE_STORE)
@require_http_methods(["GET", "POST"])
def work_reassign_page(request: StoreRequest) -> HttpResponse:
    """批量转移: move all of one member's work to a colleague, without deactivation."""
    store = request.tenant
    members = [(m.user_id, f"{m.user.name} · {m.get_role_display()}") for m in store_members(store.pk)]
    form = ReassignForm(request.POST if request.method == "POST" else None, members=members)
    if request.method == "POST" and form.is_valid():
        try:
            moved = member_work_reassign(actor=_actor(request), store=store, from_user_id=form.cleaned_data["from_user"],
                                         to_user_id=form.cleaned_data["to_user"])
        except DomainError as exc:
            field = "to_user" if exc.field in ("successor", "consultant_id") else None
            form.add_error(field, exc.message)
        else:
            summary = "、".join(f"{label} {n}" for label, n in _labelled(moved)) or _("无")
            messages.success(request, _("已转移：%(summary)s。") % {"summary": summary})
            return redirect("store:staff")
    return render(request, "tenants/staff_reassign.html", {"form": form}, status=400 if form.errors else 200)


# ---------------------------------------------------------------- HQ (the group's admin, any store of the group)

@hq_view(admin=True)
@require_http_methods(["GET", "POST"])
def hq_staff_page(request: HttpRequest, store_id: int) -> HttpResponse:
    return _staff_page(request, store_id)


@hq_view(admin=True)
@require_POST
def hq_invitation_action(request: HttpRequest, store_id: int, invitation_id: int, action: str) -> HttpResponse:
    return _invitation_action(request, store_id, invitation_id, action)


@hq_view(admin=True)
@require_POST
def hq_member_role(request: HttpRequest, store_id: int, membership_id: int) -> HttpResponse:
    return _role_change(request, store_id, membership_id)


@hq_view(admin=True)
@require_http_methods(["GET", "POST"])
def hq_member_deactivate_page(request: HttpRequest, store_id: int, membership_id: int) -> HttpResponse:
    return _deactivate(request, store_id, membership_id)


@hq_view(admin=True)
def hq_account_events(request: HttpRequest) -> HttpResponse:
    """账号事件 of every store of the HQ admin's group (and HQ's own)."""
    group = group_for_hq(request)
    return render(request, "tenants/account_events.html",
                  {"group": group, "events": account_events_for_group(group)})
