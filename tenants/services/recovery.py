"""找回密码 and 修改密码: a code by SMS to the account's mobile, or a link by e-mail; and a signed-in change.

Codes live 10 minutes, work once, and allow 5 wrong tries. Requests are limited per account (3 per
15 minutes) and per client address (20 per hour), counted from the code table itself, so limits
hold across processes. The answer to a request never says whether the account exists.
A reset ends every session of the account (the session epoch) and is an AccountEvent.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ..auth import find_user_by_login
from ..errors import DomainError
from ..models import AccountEvent, PasswordResetCode, Store, User
from ..sms import send_account_sms
from .accounts import _check_password
from .events import account_event_record

CODE_TTL = timedelta(minutes=10)
MAX_FAILED = 5
PER_ACCOUNT = (3, timedelta(minutes=15))
PER_ADDRESS = (20, timedelta(hours=1))


class TooManyRequests(DomainError):
    status = 429


def _hash(secret: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}|{secret}".encode()).hexdigest()


def _base_url() -> str:
    return f"{settings.SITE_SCHEME}://{settings.BASE_DOMAIN}{settings.SITE_PORT}"


@transaction.atomic
def password_reset_request(*, login: str, ip: str | None) -> None:
    """Send a reset code (mobile login) or link (e-mail login) if the account exists; rate-limited.

    Raises TooManyRequests when this address or this account asked too often; otherwise returns the
    same way whether or not the account exists.
    """
    now = timezone.now()
    limit, window = PER_ADDRESS
    if ip and PasswordResetCode.objects.filter(requested_from=ip, created_at__gt=now - window).count() >= limit:
        raise TooManyRequests(_("请求过于频繁，请稍后再试。"), field="login")
    user = find_user_by_login(login)
    if user is None or not user.is_active:
        return
    User.objects.select_for_update().filter(pk=user.pk).first()  # serialise requests for one account
    limit, window = PER_ACCOUNT
    if PasswordResetCode.objects.filter(user=user, created_at__gt=now - window).count() >= limit:
        raise TooManyRequests(_("请求过于频繁，请 15 分钟后再试。"), field="login")
    by_email = "@" in login
    secret = secrets.token_urlsafe(24) if by_email else f"{secrets.randbelow(10**6):06d}"
    PasswordResetCode.objects.filter(user=user, used_at__isnull=True).update(used_at=now)  # older codes die
    PasswordResetCode.objects.create(
        user=user, channel=PasswordResetCode.Channel.EMAIL if by_email else PasswordResetCode.Channel.SMS,
        code_hash=_hash(secret), expires_at=now + CODE_TTL, requested_from=ip or None,
    )
    if by_email and user.email:
        link = f"{_base_url()}/password/reset/{user.pk}/{secret}/"
        body = _("您正在重置车主CRM密码，请在 10 分钟内打开链接：%(link)s 如非本人操作请忽略。") % {"link": link}
        transaction.on_commit(lambda: send_mail(_("车主CRM 重置密码"), body, None, [user.email or ""]))
    elif user.mobile:
        send_account_sms(to=user.mobile, template="reset_code", params={"code": secret},
                         text=_("【车主CRM】您的重置密码验证码是 %(code)s，10 分钟内有效，请勿告诉他人。") % {"code": secret})


def _invalid() -> DomainError:
    return DomainError(_("验证码不正确或已过期，请重新获取。"), field="code")


def _redeem(user: User, secret: str) -> bool:
    """Check the user's newest live code under a row lock; count a wrong try; mark it used when right."""
    code = (PasswordResetCode.objects.select_for_update()
            .filter(user=user, used_at__isnull=True, expires_at__gt=timezone.now()).order_by("-created_at").first())
    if code is None or code.failed_attempts >= MAX_FAILED:
        return False
    if not secrets.compare_digest(code.code_hash, _hash(secret.strip())):
        PasswordResetCode.objects.filter(pk=code.pk).update(failed_attempts=F("failed_attempts") + 1)
        return False
    code.used_at = timezone.now()
    code.save(update_fields=["used_at"])
    return True


def password_reset_confirm(*, login: str = "", user_id: int | None = None, code: str, password: str) -> User:
    """Set a new password with a code (SMS) or link token (e-mail); ends every session of the account.

    The new password is checked before the code is spent, so a weak password costs no code; a wrong
    code uses up one of its tries (committed even though the request fails).
    """
    user = find_user_by_login(login) if login else User.objects.filter(pk=user_id or 0).first()
    if user is None or not user.is_active:
        raise _invalid()
    _check_password(password, user)
    with transaction.atomic():
        ok = _redeem(user, code)
        if ok:
            user.set_password(password)
            user.save(update_fields=["password"])
            User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
            account_event_record(kind=AccountEvent.Kind.PASSWORD_RESET, actor=user, subject=user,
                                 detail={"channel": "email" if user_id else "sms"}, store=_home_store(user))
    if not ok:
        raise _invalid()
    user.refresh_from_db()
    return user


def _home_store(user: User) -> Store | None:
    """The store an account event about the person is listed under (their first active store)."""
    m = user.store_memberships.filter(is_active=True).select_related("store").order_by("pk").first()
    return m.store if m else None


@transaction.atomic
def password_change(*, user: User, old_password: str, new_password: str) -> User:
    """修改密码 (signed in): the old password must be right; other sessions end."""
    if not user.check_password(old_password):
        raise DomainError(_("原密码不正确。"), field="old_password")
    _check_password(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    account_event_record(kind=AccountEvent.Kind.PASSWORD_CHANGED, actor=user, subject=user,
                         store=_home_store(user))
    return user
