"""Refuse passwords that appear in breach corpora or are obviously guessable in China."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Top entries of public breach corpora (CSDN / 12306 / RockYou) that survive a 12-character minimum,
# plus keyboard and pinyin patterns common here. Django's CommonPasswordValidator covers 20k more.
_BREACHED = {
    "123456789012", "1234567890123", "123456789abc", "1qaz2wsx3edc", "qwertyuiopas", "qwer1234qwer",
    "woaini1314520", "woaini520520", "5201314520131", "aaaaaaaaaaaa", "111111111111", "000000000000",
    "password1234", "passw0rd1234", "iloveyou1234", "zhang123456789", "wang123456789", "admin1234567",
    "abc123456789", "a123456789012", "qq123456789012", "1q2w3e4r5t6y", "asdfghjkl123", "zxcvbnm12345",
}


class BreachedPasswordValidator:
    def validate(self, password: str, user: Any = None) -> None:
        lowered = password.lower()
        if lowered in _BREACHED or len(set(lowered)) <= 3:
            raise ValidationError(_("这个密码出现在泄露密码库中或过于简单，请换一个。"), code="password_breached")

    def get_help_text(self) -> str:
        return _("不能使用已泄露或过于简单的密码。")
