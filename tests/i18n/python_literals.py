"""Chinese string literals in the apps' Python code that do not pass through gettext.

Docstrings, comments, logging calls and the modules in DATA_MODULES (demo data, the handbooks'
starter templates) are not user-facing text and are not counted. Nor is a literal that must stay Chinese
(stored data, handbook codes, text sent to the customer, a file format's column names) whose line carries
a KEEP comment with the reason: `"客户拒绝回访"  # zh-data: stored on the task as its close reason`.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
APPS = ("config", "crm", "hq", "billing", "tenants")
DATA_MODULES = {"crm/demo.py", "crm/demo_group.py", "crm/demo_leads.py", "hq/policy/starter.py",
                "crm/management/commands/demo_data.py"}  # the demo group and its sign-in sheet
CJK = re.compile(r"[\u4e00-\u9fff]")
GETTEXT = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy",
           "gettext_noop", "npgettext", "format_lazy"}
# A same-line comment that keeps a literal Chinese; the reason after the colon is required.
KEEP = re.compile(r"#\s*zh-data:\s*\S")
LOG_METHODS = {"debug", "info", "warning", "error", "exception", "critical"}


def _ids_under(nodes: list[ast.expr]) -> set[int]:
    return {id(sub) for node in nodes for sub in ast.walk(node)}


def _skipped(tree: ast.AST) -> set[int]:
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                skip.add(id(first.value))
        elif isinstance(node, ast.Call):
            f = node.func
            name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
            is_log = (isinstance(f, ast.Attribute) and f.attr in LOG_METHODS and isinstance(f.value, ast.Name)
                      and f.value.id in {"log", "logger", "logging"})
            if name in GETTEXT or is_log:
                skip |= _ids_under([*node.args, *[k.value for k in node.keywords]])
    return skip


def _kept_lines(source: str) -> set[int]:
    """Lines with a `# zh-data: <reason>` comment."""
    return {tok.start[0] for tok in tokenize.generate_tokens(io.StringIO(source).readline)
            if tok.type == tokenize.COMMENT and KEEP.match(tok.string)}


def untranslated_literals() -> Counter[str]:
    """Per module (path relative to the repository), how many Chinese literals bypass gettext."""
    counts: Counter[str] = Counter()
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if "/migrations/" in rel or rel in DATA_MODULES:
                continue
            source = path.read_text(encoding="utf-8")
            tree = ast.parse(source)
            skip = _skipped(tree)
            kept = _kept_lines(source)
            for node in ast.walk(tree):
                if (isinstance(node, ast.Constant) and isinstance(node.value, str) and CJK.search(node.value)
                        and id(node) not in skip
                        and not {node.lineno, node.end_lineno} & kept):
                    counts[rel] += 1
    return counts
