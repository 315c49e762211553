"""Users, memberships, invitations and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from ..errors import Conflict, DomainError, NotFound
from ..models import ApiToken, DealerGroup, GroupMembership, Invitation, Store, StoreMembership, User
from ..roles import GroupRole
from ..validators import clean_cn_mobile
from .events import account_event_record


def _check_password(password: str, user: User | None = None) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), field="password") from exc


@transaction.atomic
def user_create(*, name: str, password: str, mobile: str = "", email: str = "", is_staff: bool = False) -> User:
    """Create a user who signs in with `mobile` or `email`. Password rules apply."""
    mobile = clean_cn_mobile(mobile, field="mobile")
    if not mobile and not email:
        raise DomainError(gettext("请填写手机号或电子邮箱。"), field="mobile")
    if mobile and User.objects.filter(mobile=mobile).exists():
        raise Conflict(gettext("该手机号已注册，请直接登录。"), field="mobile")
    if email and User.objects.filter(email__iexact=email).exists():
        raise Conflict(gettext("该邮箱已注册，请直接登录。"), field="email")
    user = User(name=name.strip(), mobile=mobile or None, email=email.strip().lower() or None, is_staff=is_staff)
    _check_password(password, user)
    user.set_password(password)
    user.save()
    return user


@transaction.atomic
def store_member_add(*, store: Store, user: User, role: str) -> StoreMembership:
    membership, _ = StoreMembership.objects.update_or_create(
        store=store, user=user, defaults={"role": role, "is_active": True}
    )
    return membership


def invitation_get_open(token: str) -> Invitation:
    """An invitation that can still be accepted: not accepted, not revoked, not expired; NotFound otherwise."""
    invitation = Invitation.objects.select_related("store").filter(token=token).first()
    if (invitation is None or invitation.accepted_at is not None or invitation.revoked_at is not None
            or invitation.expires_at < timezone.now()):
        raise NotFound(_("邀请链接无效或已过期，请联系集团管理员重新发送。"))
    return invitation


def _bound_to(invitation: Invitation, user: User) -> bool:
    """The invitation belongs to the person with the invited mobile (or e-mail, when no mobile was given)."""
    if invitation.mobile:
        return user.mobile == invitation.mobile
    return bool(invitation.email) and (user.email or "").lower() == invitation.email.lower()


@transaction.atomic
def invitation_accept(*, token: str, user: User | None = None, password: str = "", name: str = "") -> User:
    """Join the store the invitation is for: as the signed-in user, or as a new account.

    The invitation row is locked first and re-checked under the lock, so two concurrent accepts
    (a double tap, two tabs) make one membership and the second gets "invalid or expired".
    """
    found = Invitation.objects.filter(token=token).values_list("pk", flat=True).first()
    locked = Invitation.objects.select_for_update().filter(pk=found).first() if found else None
    invitation = invitation_get_open(token)  # re-read after the lock: the first accept wins
    assert locked is not None
    if user is None:
        if invitation.mobile and User.objects.filter(mobile=invitation.mobile).exists():
            raise Conflict(_("该手机号已注册，请先登录再接受邀请。"), field="password")
        user = user_create(
            name=name or invitation.name, password=password, mobile=invitation.mobile, email=invitation.email
        )
    elif not _bound_to(invitation, user):
        raise DomainError(_("这份邀请是发给另一个手机号的，请用受邀手机号登录后再接受。"))
    store_member_add(store=invitation.store, user=user, role=invitation.role)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    account_event_record(kind="invitation_accepted", store=invitation.store, actor=user, subject=user,
                         detail={"role": invitation.role})
    return user


def user_sign_out_everywhere(*, user: User) -> None:
    """End every session of the user: the base domain's and each store's (they are separate cookies)."""
    User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_issue(
    *, user: User, store: Store, name: str = "api", read_only: bool = False,
    expires_at: datetime | None = None, actor: User | None = None,
) -> tuple[ApiToken, str]:
    """Issue a token for one store; returns the row and the clear key (shown once, stored hashed).

    The token acts as `user` (an active member of the store), read-only if asked, until `expires_at`.
    """
    if not StoreMembership.objects.filter(user=user, store=store, is_active=True).exists():
        raise NotFound(_("未找到。"))
    if not name.strip():
        raise DomainError(_("请填写令牌名称。"), field="name")
    if expires_at is not None and expires_at <= timezone.now():
        raise DomainError(_("到期时间必须晚于现在。"), field="expires_at")
    key = "czk_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(key_hash=_hash(key), prefix=key[4:12], user=user, store=store,
                                    name=name.strip()[:60], read_only=read_only, expires_at=expires_at)
    account_event_record(kind="token_issued", store=store, actor=actor or user, subject=user,
                         detail={"prefix": token.prefix, "name": token.name, "read_only": read_only})
    return token, key


@transaction.atomic
def api_token_issue_hq(
    *, user: User, group: DealerGroup, name: str = "api", read_only: bool = False,
    expires_at: datetime | None = None,
) -> tuple[ApiToken, str]:
    """Issue an HQ API token for the group (its HQ admins only); the clear key is returned once."""
    if not GroupMembership.objects.filter(user=user, group=group, role=GroupRole.HQ_ADMIN).exists():
        raise NotFound(_("未找到。"))
    if not name.strip():
        raise DomainError(_("请填写令牌名称。"), field="name")
    if expires_at is not None and expires_at <= timezone.now():
        raise DomainError(_("到期时间必须晚于现在。"), field="expires_at")
    key = "czk_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(key_hash=_hash(key), prefix=key[4:12], user=user, group=group,
                                    name=name.strip()[:60], read_only=read_only, expires_at=expires_at)
    account_event_record(kind="token_issued", group_id=group.pk, actor=user, subject=user,
                         detail={"prefix": token.prefix, "name": token.name, "read_only": read_only, "hq": True})
    return token, key


@transaction.atomic
def api_token_revoke(*, actor: User, token_id: int, store: Store | None = None,
                     group: DealerGroup | None = None) -> ApiToken:
    """吊销 a store's token (`store`) or an HQ token (`group`): it stops working at once."""
    scope: dict[str, object] = {"store": store} if store is not None else {"group": group, "store__isnull": True}
    token = ApiToken.objects.select_for_update().filter(pk=token_id, **scope).first() if (store or group) else None
    if token is None:
        raise NotFound(_("未找到。"))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        account_event_record(kind="token_revoked", store=store, group_id=group.pk if group else None, actor=actor,
                             subject=token.user, detail={"prefix": token.prefix, "name": token.name})
    return token


def api_token_lookup(key: str) -> ApiToken | None:
    """A live token for the key: not revoked, not expired."""
    now = timezone.now()
    return (
        ApiToken.objects.select_related("user", "store", "group")
        .filter(key_hash=_hash(key), revoked_at__isnull=True)
        .filter(models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now))
        .first()
    )


def api_token_touch(token: ApiToken) -> None:
    """Record last use, at most once a minute per token (the list shows it; not a write per request)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
