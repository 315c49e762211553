"""Sign-in by mobile number or e-mail address."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from .models import User
from .validators import CN_MOBILE_RE, normalize_cn_mobile


def find_user_by_login(login: str) -> User | None:
    login = (login or "").strip()
    if "@" in login:
        return User.objects.filter(email__iexact=login).first()
    mobile = normalize_cn_mobile(login)
    if CN_MOBILE_RE.match(mobile):
        return User.objects.filter(mobile=mobile).first()
    return None


class MobileOrEmailBackend(ModelBackend):
    def authenticate(  # type: ignore[override]
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        if not username or not password:
            return None
        user = find_user_by_login(username)
        if user is None:
            User().set_password(password)  # same work as a real check: no timing hint
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
