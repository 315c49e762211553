"""Inbound replies (上行短信): which mean "stop sending me messages" (退订)."""

from __future__ import annotations

import re

from django.utils.translation import gettext_noop

# What customers text back; the words themselves, never translated.
OPT_OUT_WORDS = {"R", "T", "TD", gettext_noop("退订"), gettext_noop("拒收")}
_STRIP = re.compile(r"[\s\.,!，。！、]+")


def is_opt_out(reply: str) -> bool:
    """R, T, TD, 退订, 拒收 (any case, with punctuation or spaces around) ask to be suppressed."""
    word = _STRIP.sub("", reply or "").upper()
    return word in OPT_OUT_WORDS or word.startswith(tuple(w for w in OPT_OUT_WORDS if len(w) > 2 or not w.isascii()))
