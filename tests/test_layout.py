"""Guardrails as code: package names and the single access check on every view."""

from __future__ import annotations

import sys
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

ROOT = Path(__file__).resolve().parent.parent
# Views that are public by nature: sign-in, hand-over, health, docs, language, admin.
OPEN_VIEWS = {
    "public:signin", "public:signout", "store:signout", "store:handoff", "public:healthz", "store:healthz",
    "set_language", "public:invitation", "public:home", "public:switch_store",
    # 找回密码 is for people who cannot sign in; 修改密码 needs only a sign-in (login_required), like home.
    "public:password_forgot", "public:password_reset", "public:password_reset_link", "public:password_change",
    # SMS vendors' receipt / reply pushes: the URL's group token and the vendor reference route them.
    "public:sms_callback",
    # Stripe's webhook: the signature is the check (billing.services.webhook_event_receive).
    "billing:webhook",
    # The customer's web survey (crm.aftersales.survey_views): the signed link or the SMS code is the access.
    "crm:survey_answer", "crm:survey_code", "crm:survey_thanks",
}


def test_no_top_level_package_takes_a_standard_library_name() -> None:
    packages = [p.name for p in ROOT.iterdir() if (p / "__init__.py").exists()]
    assert {"config", "tenants", "hq", "crm", "billing", "tests"} <= set(packages)
    clashes = [name for name in packages if name in sys.stdlib_module_names]
    assert clashes == []


def test_layout_matches_architecture() -> None:
    for name in ["config", "tenants", "hq", "crm", "billing", "templates", "tests", "deploy", "manage.py",
                 "pyproject.toml", "Makefile", "README.md", ".ci/run", "requirements.lock"]:
        assert (ROOT / name).exists(), name


def _walk(patterns: list, prefix: str = "", ns: str = "") -> list[tuple[str, object, str | None]]:  # type: ignore[type-arg]
    """(route, view, namespaced name) of every pattern, admin left out."""
    out = []
    for p in patterns:
        if isinstance(p, URLResolver):
            if "admin" in str(p.pattern):
                continue
            out += _walk(p.url_patterns, prefix + str(p.pattern), f"{ns}{p.namespace}:" if p.namespace else ns)
        elif isinstance(p, URLPattern):
            out.append((prefix + str(p.pattern), p.callback, f"{ns}{p.name}" if p.name else None))
    return out


def _guarded(callback: object, attr: str) -> bool:
    if getattr(callback, attr, None):
        return True
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if view_class is None:
        return False
    perms = getattr(view_class, "permission_classes", [])
    names = {p.__name__ for p in perms}
    return bool(names & {"HasStorePerm", "IsHqMember", "StripeWebhookOpen"})


def test_every_store_view_goes_through_the_access_check() -> None:
    unguarded = [
        (route, name) for route, cb, name in _walk(get_resolver("config.urls_tenants").url_patterns)
        if name not in OPEN_VIEWS and not _guarded(cb, "store_access")
    ]
    assert unguarded == []


def test_every_hq_view_goes_through_the_hq_check() -> None:
    unguarded = [
        (route, name) for route, cb, name in _walk(get_resolver("config.urls_public").url_patterns)
        if name not in OPEN_VIEWS and not _guarded(cb, "hq_access")
    ]
    assert unguarded == []


def test_every_dotted_path_the_settings_wire_in_imports() -> None:
    """The lower layers reach the apps above only through these settings: a typo must fail here."""
    from importlib import import_module

    from django.conf import settings
    from django.utils.module_loading import import_string

    paths = [p for hooks in settings.TENANTS_HOOKS.values() for p in hooks]
    paths += [*settings.HQ_ADOPTION_HOOKS.values(), settings.HQ_STORE_ESCALATIONS]
    assert all(callable(import_string(p)) for p in paths)
    assert all(callable(import_module(p).compute) for p in settings.HQ_METRIC_PROVIDERS)
