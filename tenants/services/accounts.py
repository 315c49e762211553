"""Users, memberships, invitations and API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ..errors import Conflict, DomainError, NotFound
from ..models import ApiToken, DealerGroup, GroupMembership, Invitation, Store, StoreMembership, User
from ..validators import clean_cn_mobile


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
        raise DomainError("请填写手机号或电子邮箱。", field="mobile")
    if mobile and User.objects.filter(mobile=mobile).exists():
        raise Conflict("该手机号已注册，请直接登录。", field="mobile")
    if email and User.objects.filter(email__iexact=email).exists():
        raise Conflict("该邮箱已注册，请直接登录。", field="email")
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


@transaction.atomic
def group_member_add(*, group: DealerGroup, user: User, role: str) -> GroupMembership:
    membership, _ = GroupMembership.objects.update_or_create(group=group, user=user, defaults={"role": role})
    return membership


def invitation_get_open(token: str) -> Invitation:
    invitation = Invitation.objects.select_related("store").filter(token=token).first()
    if invitation is None or invitation.accepted_at is not None or invitation.expires_at < timezone.now():
        raise NotFound("邀请链接无效或已过期，请联系集团管理员重新发送。")
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, user: User | None = None, password: str = "", name: str = "") -> User:
    """Join the store the invitation is for: as the signed-in user, or as a new account."""
    invitation = invitation_get_open(token)
    Invitation.objects.select_for_update().filter(pk=invitation.pk).first()
    if user is None:
        user = user_create(
            name=name or invitation.name, password=password, mobile=invitation.mobile, email=invitation.email
        )
    store_member_add(store=invitation.store, user=user, role=invitation.role)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return user


def user_sign_out_everywhere(*, user: User) -> None:
    """End every session of the user: the base domain's and each store's (they are separate cookies)."""
    User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_issue(*, user: User, store: Store, name: str = "api") -> tuple[ApiToken, str]:
    """Issue a token for one store; returns the row and the clear key (shown once)."""
    if not StoreMembership.objects.filter(user=user, store=store, is_active=True).exists():
        raise NotFound("未找到。")
    key = "czk_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(key_hash=_hash(key), prefix=key[4:12], user=user, store=store, name=name)
    return token, key


def api_token_lookup(key: str) -> ApiToken | None:
    return (
        ApiToken.objects.select_related("user", "store")
        .filter(key_hash=_hash(key), revoked_at__isnull=True)
        .first()
    )
