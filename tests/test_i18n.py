"""The English catalogue: pages switch language by cookie, and every message has a translation."""

from __future__ import annotations

import gettext
import re
from pathlib import Path
from typing import Any

from django.conf import settings

from .conftest import client_for
from .world import World

LOCALE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\([A-Za-z_]\w*\)[sdif]|%[sdif]|\{[A-Za-z_]\w*\}")


def _unquote(line: str) -> str:
    body = line.strip()[1:-1]
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}
    return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), m.group(1)), body)


def read_po(path: Path) -> list[dict[str, Any]]:
    """Entries of a .po file: msgid, msgid_plural, msgstr (one string per form) and flags."""
    entries: list[dict[str, Any]] = []
    current: dict[str, Any] = {}
    field = ""
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = line.strip()
        if not line:
            if "msgid" in current:
                entries.append(current)
            current, field = {}, ""
        elif line.startswith("#~"):
            current["obsolete"] = True
        elif line.startswith("#,"):
            current.setdefault("flags", set()).update(f.strip() for f in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            if field.startswith("msgstr"):
                current["msgstr"][-1] += _unquote(line)
            else:
                current[field] += _unquote(line)
        else:
            keyword, _, value = line.partition(" ")
            if keyword.startswith("msgstr"):
                field = "msgstr"
                current.setdefault("msgstr", []).append(_unquote(value))
            else:
                field = keyword
                current[keyword] = _unquote(value)
    return [e for e in entries if not e.get("obsolete")]


def test_every_message_in_the_english_catalogue_is_translated() -> None:
    entries = read_po(LOCALE / "django.po")
    messages = [e for e in entries if e["msgid"]]
    assert len(messages) > 500
    untranslated = [e["msgid"] for e in messages if not all(s.strip() for s in e["msgstr"])]
    fuzzy = [e["msgid"] for e in messages if "fuzzy" in e.get("flags", set())]
    assert untranslated == [], f"untranslated: {untranslated}"
    assert fuzzy == [], f"fuzzy: {fuzzy}"
    for e in messages:
        for translated in e["msgstr"]:
            assert sorted(PLACEHOLDER.findall(e["msgid"])) == sorted(PLACEHOLDER.findall(translated)), e["msgid"]


def test_the_compiled_catalogue_matches_the_po_file() -> None:
    catalogue = gettext.GNUTranslations((LOCALE / "django.mo").open("rb"))
    stale = [e["msgid"] for e in read_po(LOCALE / "django.po")
             if e["msgid"] and "msgid_plural" not in e and catalogue.gettext(e["msgid"]) != e["msgstr"][0]]
    assert stale == [], f"django.mo is out of date; run compilemessages: {stale[:5]}"


def test_the_hq_store_list_speaks_english_with_the_language_cookie(world: World, db: Any) -> None:
    client = client_for(world.user("x.hq_admin"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/hq/")
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="en">' in body
    assert "Stores" in body and "Store comparison" in body and "Sign out" in body
    assert "门店管理" not in body and "退出登录" not in body


def test_the_hq_store_list_speaks_chinese_by_default(world: World, db: Any) -> None:
    response = client_for(world.user("x.hq_admin")).get("/hq/")
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="zh-hans">' in body
    assert "门店管理" in body and "门店对比" in body and "退出登录" in body
    assert "Store comparison" not in body


def test_no_new_untranslated_chinese_literal_in_python_code() -> None:
    """User-facing Python strings go through gettext. The baseline lists what the first build left
    (it may only shrink: lower a module's count when you translate its strings); a module's count
    above its baseline, or a new module with any, fails."""
    import json

    from .i18n.python_literals import ROOT, untranslated_literals

    baseline = json.loads((ROOT / "tests" / "i18n" / "python_baseline.json").read_text(encoding="utf-8"))
    now = untranslated_literals()
    grown = {path: (n, baseline.get(path, 0)) for path, n in now.items() if n > baseline.get(path, 0)}
    assert grown == {}, f"untranslated Chinese literals (now, allowed): {grown}"
    shrunk = {path: (now.get(path, 0), n) for path, n in baseline.items() if now.get(path, 0) < n}
    assert shrunk == {}, f"fewer untranslated literals than the baseline: lower it to match {shrunk}"


def test_a_literal_kept_chinese_needs_its_reason_on_the_line() -> None:
    from .i18n.python_literals import _kept_lines

    source = 'a = "客户拒绝回访"  # zh-data: stored reason\nb = "意向"  # zh-data:\nc = "回访"  # stored\n'
    assert _kept_lines(source) == {1}
