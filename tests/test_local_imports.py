"""An import inside a function says why on its own line: an import cycle it breaks (`# cycle: hq.services.policies
imports hq.tasks`), the Celery convention (a task imports its service in its body), an optional dependency,
an app registry not ready yet. Any other import belongs at the top of the module, where a reader sees what
the module depends on and the import checker (`make lint`) sees the same graph."""

from __future__ import annotations

import ast
import io
import json
import re
import tokenize
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("config", "crm", "hq", "billing", "tenants")
BASELINE = ROOT / "tests" / "local_imports_baseline.json"
# Linter directives are not reasons: a bare noqa or type-ignore comment does not say why.
DIRECTIVE = re.compile(r"noqa(?::\s*[A-Z]+\d+(?:\s*,\s*[A-Z]+\d+)*)?|type:\s*ignore(?:\[[\w\-, ]+\])?|nosec(?:\s+B\d+)*")


def _reasons(source: str) -> set[int]:
    """Lines whose comment gives a reason (some words besides linter directives)."""
    lines = set()
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT and re.search(r"[A-Za-z\u4e00-\u9fff]{2}", DIRECTIVE.sub("", tok.string)):
            lines.add(tok.start[0])
    return lines


def unexplained_local_imports(source: str) -> list[int]:
    """Line numbers of imports inside a function body with no reason on any of their lines."""
    reasons = _reasons(source)
    found = set()
    for fn in ast.walk(ast.parse(source)):
        if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            for node in ast.walk(fn):
                if (isinstance(node, ast.Import | ast.ImportFrom)
                        and not set(range(node.lineno, (node.end_lineno or node.lineno) + 1)) & reasons):
                    found.add(node.lineno)
    return sorted(found)


def _counts() -> Counter[str]:
    counts: Counter[str] = Counter()
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if "/migrations/" not in rel and (n := len(unexplained_local_imports(path.read_text(encoding="utf-8")))):
                counts[rel] = n
    return counts


def test_no_new_function_local_import_without_a_reason() -> None:
    """The baseline lists modules changed in parallel when this check came; it may only shrink."""
    baseline = json.loads(BASELINE.read_text(encoding="utf-8"))
    now = _counts()
    grown = {path: (n, baseline.get(path, 0)) for path, n in now.items() if n > baseline.get(path, 0)}
    assert grown == {}, f"imports inside functions with no reason comment (now, allowed): {grown}"
    shrunk = {path: (now.get(path, 0), n) for path, n in baseline.items() if now.get(path, 0) < n}
    assert shrunk == {}, f"fewer unexplained local imports than the baseline: lower it to match {shrunk}"


def test_a_reason_is_words_not_a_linter_directive() -> None:
    source = (
        "def f():\n"
        "    import a  # cycle: a imports this module\n"
        "    import b  # noqa: F401\n"
        "    from c import (  # optional dependency\n"
        "        d,\n"
        "    )\n"
        "    import e\n"
        "    import g  # noqa: F401  (connects the signal handlers)\n"
        "import h\n"
    )
    assert unexplained_local_imports(source) == [3, 7]
