"""员工管理: invite staff by mobile, resend or revoke an invitation, change a role, deactivate a member.

Who may do it: the store's general manager, and the HQ admin of the store's group (for any of its
stores). Every change is an AccountEvent. Deactivation takes effect at once: the member's sessions
end (the session epoch) and their API tokens for the store are revoked. A member who still owns work
(customers, open leads, tasks, visits, complaints, actions) must hand it to a named active colleague
of the same store, in the same transaction (tenants.hooks; crm registers what moves).
"""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import Iterator
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import tenant_context

from .. import guard, hooks
from ..errors import Conflict, DomainError, NotFound
from ..models import AccountEvent, ApiToken, GroupMembership, Invitation, Store, StoreMembership, User
from ..roles import GroupRole, StoreRole
from ..sms import send_account_sms
from ..validators import clean_cn_mobile, format_cn_mobile
from .events import account_event_record

INVITATION_TTL = timedelta(days=7)


def staff_manager_check(*, actor: User, store: Store) -> None:
    """The actor may manage this store's staff (its GM, or its group's HQ admin); NotFound otherwise."""
    is_gm = StoreMembership.objects.filter(
        user=actor, store=store, is_active=True, role=StoreRole.GENERAL_MANAGER
    ).exists()
    if is_gm:
        return
    if GroupMembership.objects.filter(user=actor, group_id=store.group_id, role=GroupRole.HQ_ADMIN).exists():
        return
    raise NotFound(_("未找到。"))


def invitation_url(invitation: Invitation) -> str:
    """The one-time link (base domain): shown to copy, and sent by SMS."""
    return f"{settings.SITE_SCHEME}://{settings.BASE_DOMAIN}{settings.SITE_PORT}/invite/{invitation.token}/"


def invitation_send(invitation: Invitation) -> None:
    if invitation.mobile:
        params = {"store": invitation.store.name, "role": str(invitation.get_role_display()),
                  "url": invitation_url(invitation)}
        body = _("【车主CRM】%(store)s 邀请您以%(role)s身份加入，请在 7 天内打开链接设置密码：%(url)s") % params
        send_account_sms(to=invitation.mobile, template="invitation", params=params, text=body)


def _role_check(role: str) -> None:
    if role not in StoreRole.values:
        raise DomainError(_("请选择岗位。"), field="role")


@transaction.atomic
def staff_invite(*, actor: User, store: Store, name: str, mobile: str, role: str) -> Invitation:
    """Invite a person by mobile number into the store with a role; the link is bound to that mobile."""
    staff_manager_check(actor=actor, store=store)
    if not name.strip():
        raise DomainError(_("请填写姓名。"), field="name")
    mobile = clean_cn_mobile(mobile, field="mobile")
    if not mobile:
        raise DomainError(_("请填写手机号。"), field="mobile")
    _role_check(role)
    if StoreMembership.objects.filter(store=store, user__mobile=mobile, is_active=True).exists():
        raise Conflict(_("该手机号已是本店在职员工。"), field="mobile")
    now = timezone.now()
    pending = Invitation.objects.filter(
        store=store, mobile=mobile, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
    )
    if pending.exists():
        raise Conflict(_("该手机号已有未接受的邀请，可在下方重发或撤销。"), field="mobile")
    invitation = Invitation.objects.create(
        store=store, role=role, name=name.strip(), mobile=mobile, invited_by=actor, expires_at=now + INVITATION_TTL,
        last_sent_at=now,
    )
    account_event_record(kind=AccountEvent.Kind.INVITATION_SENT, store=store, actor=actor,
                         detail={"mobile": format_cn_mobile(mobile), "name": invitation.name, "role": role})
    invitation_send(invitation)
    return invitation


def _invitation_for(store: Store, invitation_id: int) -> Invitation:
    invitation = Invitation.objects.select_for_update().filter(store=store, pk=invitation_id).first()
    if invitation is None:
        raise NotFound(_("未找到。"))
    return invitation


@transaction.atomic
def invitation_resend(*, actor: User, store: Store, invitation_id: int) -> Invitation:
    """Send a not-yet-accepted invitation again with a fresh link and expiry; the old link stops working."""
    staff_manager_check(actor=actor, store=store)
    invitation = _invitation_for(store, invitation_id)
    if invitation.accepted_at is not None or invitation.revoked_at is not None:
        raise Conflict(_("该邀请已接受或已撤销，不能重发。"))
    now = timezone.now()
    invitation.token = uuid.uuid4()
    invitation.expires_at = now + INVITATION_TTL
    invitation.last_sent_at = now
    invitation.sent_count = F("sent_count") + 1
    invitation.save(update_fields=["token", "expires_at", "last_sent_at", "sent_count"])
    invitation.refresh_from_db()
    account_event_record(kind=AccountEvent.Kind.INVITATION_RESENT, store=store, actor=actor,
                         detail={"mobile": format_cn_mobile(invitation.mobile), "name": invitation.name})
    invitation_send(invitation)
    return invitation


@transaction.atomic
def invitation_revoke(*, actor: User, store: Store, invitation_id: int) -> Invitation:
    """Withdraw an invitation that has not been accepted; its link stops working at once."""
    staff_manager_check(actor=actor, store=store)
    invitation = _invitation_for(store, invitation_id)
    if invitation.accepted_at is not None:
        raise Conflict(_("该邀请已被接受，请改为停用该员工。"))
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        account_event_record(kind=AccountEvent.Kind.INVITATION_REVOKED, store=store, actor=actor,
                             detail={"mobile": format_cn_mobile(invitation.mobile), "name": invitation.name})
    return invitation


def _membership_for(store: Store, membership_id: int) -> StoreMembership:
    membership = (StoreMembership.objects.select_for_update().select_related("user")
                  .filter(store=store, pk=membership_id).first())
    if membership is None:
        raise NotFound(_("未找到。"))
    return membership


def _other_active_gms(store: Store, membership: StoreMembership) -> bool:
    return (StoreMembership.objects.filter(store=store, is_active=True, role=StoreRole.GENERAL_MANAGER)
            .exclude(pk=membership.pk).exists())


@transaction.atomic
def member_set_role(*, actor: User, store: Store, membership_id: int, role: str) -> StoreMembership:
    """调整岗位: the new role applies on the member's next request (permissions are read per request)."""
    staff_manager_check(actor=actor, store=store)
    _role_check(role)
    membership = _membership_for(store, membership_id)
    if not membership.is_active:
        raise DomainError(_("该员工已停用。"), field="role")
    if membership.role == role:
        return membership
    if membership.role == StoreRole.GENERAL_MANAGER and not _other_active_gms(store, membership):
        raise DomainError(_("门店至少要有一位在职总经理。"), field="role")
    old = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    account_event_record(kind=AccountEvent.Kind.ROLE_CHANGED, store=store, actor=actor, subject=membership.user,
                         detail={"from": old, "to": role})
    return membership


WECOM_USERID = re.compile(r"^[0-9A-Za-z_@.-]{1,64}$")  # WeCom's rule for a userid (账号)


@transaction.atomic
def member_wecom_set(*, actor: User, store: Store, membership_id: int, userid: str) -> StoreMembership:
    """企业微信账号: the member's userid in the group's WeCom corp (blank removes it); notices reach it there.
    Unique among this store's members (checked in this store only: another store's staff stay unseen)."""
    staff_manager_check(actor=actor, store=store)
    membership = _membership_for(store, membership_id)
    userid = userid.strip()
    if userid and not WECOM_USERID.match(userid):
        raise DomainError(_("企业微信账号只能包含字母、数字和 _-@.，最多 64 位。"), field="wecom_userid")
    if userid and StoreMembership.objects.filter(store=store, wecom_userid__iexact=userid).exclude(
            pk=membership.pk).exists():
        raise DomainError(_("本店已有员工使用该企业微信账号。"), field="wecom_userid")
    if membership.wecom_userid != userid:
        membership.wecom_userid = userid
        membership.save(update_fields=["wecom_userid"])
    return membership


@contextlib.contextmanager
def in_store_schema(store: Store) -> Iterator[None]:
    """Run in the store's schema, and tell the schema guard so (HQ pages call from the public schema)."""
    with tenant_context(store), guard.serving_store(store.schema_name):
        yield


def member_owned_work(*, store: Store, user_id: int) -> dict[str, int]:
    """What the member still owns in the store (customers, open leads, ...), zeros left out."""
    with in_store_schema(store):
        return hooks.member_owned(user_id)


def _successor_check(store: Store, successor_id: int | None, departing: StoreMembership) -> StoreMembership:
    if not successor_id:
        raise DomainError(_("该员工名下还有客户或待办，请选择接手的同事。"), field="successor")
    successor = StoreMembership.objects.select_related("user").filter(
        store=store, user_id=successor_id, is_active=True, user__is_active=True
    ).first()
    if successor is None or successor.user_id == departing.user_id:
        raise DomainError(_("接手人必须是本店其他在职员工。"), field="successor")
    return successor


@transaction.atomic
def member_work_reassign(*, actor: User, store: Store, from_user_id: int, to_user_id: int) -> dict[str, int]:
    """批量转移: move everything a member owns to a colleague, without deactivating anyone."""
    staff_manager_check(actor=actor, store=store)
    departing = StoreMembership.objects.filter(store=store, user_id=from_user_id).select_related("user").first()
    if departing is None:
        raise NotFound(_("未找到。"))
    successor = _successor_check(store, to_user_id, departing)
    with in_store_schema(store):
        moved = hooks.member_move_work(from_user_id=from_user_id, to_user_id=successor.user_id, by_user_id=actor.pk)
    account_event_record(kind=AccountEvent.Kind.HANDOVER_DONE, store=store, actor=actor, subject=departing.user,
                         detail={"to": successor.user_id, "to_name": successor.user.name, "moved": moved,
                                 "deactivated": False})
    return moved


@transaction.atomic
def member_deactivate(
    *, actor: User, store: Store, membership_id: int, successor_id: int | None = None
) -> dict[str, int]:
    """停用员工 (离职): hand their work to `successor` (required if they own any), end their access now.

    Returns the per-table counts moved. Everything happens in one transaction: a failed move leaves
    the member active and owning what they owned.
    """
    staff_manager_check(actor=actor, store=store)
    membership = _membership_for(store, membership_id)
    if not membership.is_active:
        raise DomainError(_("该员工已停用。"))
    if membership.user_id == actor.pk:
        raise DomainError(_("不能停用自己的账号。"))
    if membership.role == StoreRole.GENERAL_MANAGER and not _other_active_gms(store, membership):
        raise DomainError(_("门店至少要有一位在职总经理。"))
    moved: dict[str, int] = {}
    with in_store_schema(store):
        owned = hooks.member_owned(membership.user_id)
        if owned or successor_id:
            successor = _successor_check(store, successor_id, membership)
            moved = hooks.member_move_work(from_user_id=membership.user_id, to_user_id=successor.user_id,
                                           by_user_id=actor.pk)
            account_event_record(kind=AccountEvent.Kind.HANDOVER_DONE, store=store, actor=actor,
                                 subject=membership.user,
                                 detail={"to": successor.user_id, "to_name": successor.user.name, "moved": moved,
                                         "deactivated": True})
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    now = timezone.now()
    ApiToken.objects.filter(user_id=membership.user_id, store=store, revoked_at__isnull=True).update(revoked_at=now)
    # Ends every session of the person (base domain and each store): the next request signs in again,
    # and only the stores where they still work let them in.
    User.objects.filter(pk=membership.user_id).update(session_epoch=F("session_epoch") + 1)
    account_event_record(kind=AccountEvent.Kind.MEMBER_DEACTIVATED, store=store, actor=actor,
                         subject=membership.user, detail={"role": membership.role})
    return moved
