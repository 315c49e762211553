"""Citus readiness: store SQL never names a public table (deploy/scale-out.md, rule 1).

With schema-based sharding a store's schema lives on a worker node and the public schema on the
coordinator; a query joining both fails ("direct joins between distributed and local tables are not
supported"). So every raw SQL string under crm/ (the store app) may name only store tables; what it needs
from public (staff names, policy values) comes in as bound parameters.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.apps import apps
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def _public_tables() -> set[str]:
    tenant_apps = {a.rsplit(".", 1)[-1] for a in settings.TENANT_APPS}
    return {m._meta.db_table for m in apps.get_models() if m._meta.app_label not in tenant_apps}


def _strings(tree: ast.AST) -> list[tuple[int, str]]:
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    return [(n.lineno, n.value) for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings]


SQL = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE|FROM|JOIN)\b", re.I)


def test_store_sql_names_no_public_table() -> None:
    public = _public_tables()
    assert {"tenants_user", "tenants_store", "hq_metricsnapshot"} <= public
    pattern = re.compile(r"\b(" + "|".join(sorted(map(re.escape, public))) + r")\b")
    offenders = []
    for path in sorted((ROOT / "crm").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for line, text in _strings(ast.parse(path.read_text(), str(path))):
            if SQL.search(text) and (m := pattern.search(text)):
                offenders.append(f"{path.relative_to(ROOT)}:{line}: {m.group(0)}")
    assert offenders == []


def test_the_checker_would_catch_the_old_subquery() -> None:
    tree = ast.parse('X = "COALESCE((SELECT u.name FROM tenants_user u WHERE u.id = c.consultant_id), \'\')"')
    pattern = re.compile(r"\btenants_user\b")
    assert any(SQL.search(t) and pattern.search(t) for _l, t in _strings(tree))
