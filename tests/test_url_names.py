"""One URL-naming convention (README, "URL names"): every name lives in a namespace, links and redirects
go by name, and the paths themselves stay put. A new hard-coded internal path fails here."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

from crm.nav import STORE_MENU

ROOT = Path(__file__).resolve().parent.parent
URLCONFS = ("config.urls_tenants", "config.urls_public")
DJANGO_OWN = {"set_language"}  # django.conf.urls.i18n: Django's name, included as it is
ADMIN = {"admin:index"}  # the platform admin's own namespace (left out of the walk)
# A path in a template attribute that has to stay a path, with the reason.
TEMPLATE_PATHS_ALLOWED = {
    # The 500 page is rendered without a request context, on either domain: "/" is that domain's root.
    ("templates/500.html", "/"),
    # Error card and the read-only notice are shown on the store domain and the base domain alike:
    # "/" is the root of whichever domain the page is on (the store's home or the sign-in page).
    ("templates/errors/_card.html", "/"),
    ("templates/tenants/read_only.html", "/"),
}
ATTR = re.compile(r"""\b(?:href|action|formaction|hx-get|hx-post|hx-put|hx-patch|hx-delete)="(/(?!/)[^"?#]*)""")
URL_TAG = re.compile(r"""\{%-?\s*(?:url|may_open_page)\s+['"]([^'"]+)['"]""")
BY_NAME = {"reverse", "reverse_lazy", "redirect", "resolve_url"}
BY_NAME_SECOND = {"next_url", "redirect_next"}
REDIRECTS = {"redirect", "HttpResponseRedirect", "redirect_next", "next_url"}


def _names(patterns: list, ns: str = "") -> set[str]:  # type: ignore[type-arg]
    out: set[str] = set()
    for p in patterns:
        if isinstance(p, URLResolver):
            if "admin" in str(p.pattern):
                continue
            out |= _names(p.url_patterns, f"{ns}{p.namespace}:" if p.namespace else ns)
        elif isinstance(p, URLPattern) and p.name:
            out.add(f"{ns}{p.name}")
    return out


def _all_names() -> set[str]:
    return set().union(*(_names(get_resolver(c).url_patterns) for c in URLCONFS))


def _templates() -> list[Path]:
    return sorted(p for p in ROOT.glob("**/templates/**/*.html") if ".venv" not in p.parts)


def _sources() -> list[Path]:
    return sorted(p for app in ("config", "crm", "hq", "billing", "tenants") for p in (ROOT / app).rglob("*.py")
                  if "migrations" not in p.parts)


def _called(node: ast.Call) -> str:
    f = node.func
    return f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""


def _is_path(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value.startswith("/")
    if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
        return str(node.values[0].value).startswith("/")
    return isinstance(node, ast.BinOp) and _is_path(node.left)


def test_every_url_name_lives_in_a_namespace() -> None:
    bare = sorted(n for n in _all_names() if ":" not in n and n not in DJANGO_OWN)
    assert bare == []


def test_templates_link_by_name_not_by_path() -> None:
    found = {(str(p.relative_to(ROOT)), m.group(1)) for p in _templates()
             for m in ATTR.finditer(p.read_text(encoding="utf-8"))}
    assert sorted(found - TEMPLATE_PATHS_ALLOWED) == []
    assert sorted(TEMPLATE_PATHS_ALLOWED - found) == []  # the baseline only shrinks: drop what is fixed


def test_templates_name_urls_that_exist() -> None:
    names = _all_names() | DJANGO_OWN | ADMIN
    unknown = sorted((str(p.relative_to(ROOT)), m.group(1)) for p in _templates()
                     for m in URL_TAG.finditer(p.read_text(encoding="utf-8")) if m.group(1) not in names)
    assert unknown == []


def test_views_redirect_by_name_not_by_path() -> None:
    by_path = []
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and _called(node) in REDIRECTS:
                args = [*node.args, *(k.value for k in node.keywords)]
                by_path += [f"{path.relative_to(ROOT)}:{node.lineno}" for a in args if _is_path(a)
                            or isinstance(a, ast.IfExp) and (_is_path(a.body) or _is_path(a.orelse))]
    assert by_path == []


def test_python_names_urls_that_exist() -> None:
    names = _all_names() | DJANGO_OWN
    unknown = []
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            index = 0 if _called(node) in BY_NAME else 1 if _called(node) in BY_NAME_SECOND else None
            if index is None or len(node.args) <= index:
                continue
            arg = node.args[index]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and not arg.value.startswith("/") \
                    and arg.value not in names:
                unknown.append(f"{path.relative_to(ROOT)}:{node.lineno}: {arg.value}")
    assert unknown == []


def test_every_menu_entry_names_a_namespaced_url() -> None:
    # An entry may name a page another branch is still building (crm.nav), but never by an old bare name.
    assert [e.url_name for e in STORE_MENU if ":" not in e.url_name] == []
