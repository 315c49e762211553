"""`make bench` runs every benchmark; `make bench NAME=tenants` runs one (module benchmarks/<NAME>_bench.py)."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

from benchmarks.common import setup_django


def main() -> int:
    setup_django()
    here = Path(__file__).resolve().parent
    names = sorted(m.name[: -len("_bench")] for m in pkgutil.iter_modules([str(here)]) if m.name.endswith("_bench"))
    wanted = sys.argv[1:] or names
    unknown = [n for n in wanted if n not in names]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(names)}")
        return 2
    for name in wanted:
        print(f"== {name}", flush=True)
        importlib.import_module(f"benchmarks.{name}_bench").run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
