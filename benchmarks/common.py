"""Shared benchmark plumbing: Django set-up, timing, and recording results."""

from __future__ import annotations

import json
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results.json"
# Smoke mode (`make bench-smoke`, run by .ci/run): every benchmark at tiny sizes, so a change that breaks
# one fails CI. Figures are printed but never written to results.json (they measure nothing).
SMOKE = os.environ.get("BENCH_SMOKE") == "1"


def size(var: str, full: int, smoke: int) -> int:
    """A benchmark size: the environment variable `var` if set, else the full or the smoke default."""
    return int(os.environ.get(var, smoke if SMOKE else full))


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.bench")
    import django

    django.setup()


def record(name: str, value: float, unit: str, size: Any) -> None:
    """Print `name: value unit (size)` and add the figure to benchmarks/results.json."""
    value = round(float(value), 3)
    print(f"{name}: {value} {unit} ({size})", flush=True)
    if SMOKE:
        return
    rows: list[dict[str, Any]] = []
    if RESULTS.exists():
        try:
            rows = json.loads(RESULTS.read_text())
        except json.JSONDecodeError:
            rows = []
    rows = [r for r in rows if not (r.get("name") == name and str(r.get("size")) == str(size))]
    rows.append({"name": name, "value": value, "unit": unit, "size": size})
    RESULTS.write_text(json.dumps(rows, ensure_ascii=False, indent=1) + "\n")


def timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def p95_ms(fn: Callable[[], Any], *, runs: int = 50, warmup: int = 3) -> float:
    if SMOKE:
        runs, warmup = min(runs, 4), min(warmup, 1)
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.quantiles(samples, n=20)[18]
