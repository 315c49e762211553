"""Hooks the upper layers register at start-up, so tenants (the floor) never imports them.

离职交接: tenants decides *when* a departing member's work must move (deactivation, bulk
reassignment); the store CRM (crm) knows *what* a member owns and how it moves. crm registers both
functions in its AppConfig.ready(); tenants calls them inside the store's schema.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class HandoverHook:
    # user id -> {"customers": 3, "leads": 2, ...}: what the member still owns in the active store.
    owned: Callable[[int], dict[str, int]]
    # (from_user_id, to_user_id, by_user_id) -> per-table counts moved, in the caller's transaction.
    move: Callable[[int, int, int], dict[str, int]]


_handover: list[HandoverHook] = []


def register_handover(hook: HandoverHook) -> None:
    """Called once per app at start-up (idempotent for the same hook)."""
    if hook not in _handover:
        _handover.append(hook)


def member_owned(user_id: int) -> dict[str, int]:
    """Everything the member owns in the active store schema, summed over registered apps (zeros dropped)."""
    total: dict[str, int] = {}
    for hook in _handover:
        for key, n in hook.owned(user_id).items():
            if n:
                total[key] = total.get(key, 0) + n
    return total


def member_move_work(*, from_user_id: int, to_user_id: int, by_user_id: int) -> dict[str, int]:
    """Move the member's work to a colleague in the active store schema; per-table counts moved."""
    moved: dict[str, int] = {}
    for hook in _handover:
        for key, n in hook.move(from_user_id, to_user_id, by_user_id).items():
            moved[key] = moved.get(key, 0) + n
    return moved
