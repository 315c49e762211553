"""Vendor keys at rest: Fernet-encrypted with SMS_CREDENTIALS_KEY, shown back only masked (LTAI****abcd)."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _fernet() -> Fernet:
    key = getattr(settings, "SMS_CREDENTIALS_KEY", "") or ""
    if not key:
        # Local use: derived from SECRET_KEY; production sets its own key (config/settings/production.py).
        key = base64.urlsafe_b64encode(hashlib.sha256(f"sms:{settings.SECRET_KEY}".encode()).digest()).decode()
    return Fernet(key.encode() if isinstance(key, str) else key)


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode() if value else ""


def decrypt(token: str) -> str:
    """The plain value; '' when empty or unreadable (a rotated key: the group enters the key again)."""
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return ""


def mask(value: str) -> str:
    """LTAI****abcd: the first four and the last four characters, never more."""
    if len(value) <= 8:
        return "****"
    return f"{value[:4]}****{value[-4:]}"
