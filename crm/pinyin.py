"""拼音检索键: the pinyin a customer's name is found by (张伟 → zhangwei / zw).

Stored beside the name by the customer services and the import, so search can match a homophone
typo (张玮 sounds like 张伟) or initials typed on a phone keyboard without computing pinyin per row.
"""

from __future__ import annotations

import re

from pypinyin import Style, lazy_pinyin

_NOT_KEY = re.compile(r"[^a-z0-9]")


def name_pinyin_keys(name: str) -> tuple[str, str]:
    """(full pinyin without tones or spaces, initials) of a name; Latin letters pass through lower-cased."""
    syllables = [_NOT_KEY.sub("", s.lower()) for s in lazy_pinyin((name or "").strip(), style=Style.NORMAL)]
    syllables = [s for s in syllables if s]
    return "".join(syllables)[:200], "".join(s[0] for s in syllables)[:50]


def is_pinyin_query(term: str) -> bool:
    """A query typed as pinyin or its initials (letters only, e.g. `zw`, `zhangwei`)."""
    return bool(re.fullmatch(r"[a-zA-Z]{2,30}", term or ""))
