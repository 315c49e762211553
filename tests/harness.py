"""The cross-tenant harness: (who, where, what, expected status) rows that every feature adds to.

Each app keeps its rows in `tests/<app>/harness_rows.py` as `ROWS = [Case(...), ...]`;
tests/test_isolation.py runs them all through pages and API. `who` is a world user key
(tests/world.py) or None for anonymous; `where` is "a" / "b" / "c" for a store host or None for the
base domain; `path` may be a callable of the world (for object ids made by `setup`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Case:
    who: str | None
    where: str | None
    path: str | Callable[[Any], str]
    expected: int
    method: str = "get"
    data: dict[str, Any] | None = None
    note: str = ""

    def id(self) -> str:
        path = self.path if isinstance(self.path, str) else getattr(self.path, "__name__", "path")
        return f"{self.who or 'anon'}@{self.where or 'base'}:{self.method.upper()} {path}->{self.expected}"
