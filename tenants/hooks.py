"""What the apps above do when the floor's own events happen, named in settings.

`tenants` is the bottom layer: it imports nothing of `hq`, `crm` or `billing`. Where one of its
services must let them act — a group is created, a store is onboarded, the number of billable
stores changes, a store's writes are refused — it calls the dotted paths listed under that name in
settings.TENANTS_HOOKS. The list is the one place a reader looks to see who acts on what.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string


def _hooks(event: str) -> list[Any]:
    return [import_string(path) for path in settings.TENANTS_HOOKS.get(event, ())]


def run(event: str, **kwargs: Any) -> None:
    """Call every hook of `event` with the keyword arguments, in the listed order."""
    for hook in _hooks(event):
        hook(**kwargs)


def first_answer(event: str, **kwargs: Any) -> Any:
    """The first hook's answer that is not None (e.g. why a store is read-only), or None."""
    for hook in _hooks(event):
        answer = hook(**kwargs)
        if answer is not None:
            return answer
    return None


def _summed(event: str, **kwargs: Any) -> dict[str, int]:
    total: dict[str, int] = {}
    for hook in _hooks(event):
        for key, n in hook(**kwargs).items():
            if n:
                total[key] = total.get(key, 0) + n
    return total


def member_owned(user_id: int) -> dict[str, int]:
    """离职交接: everything the member still owns in the active store schema, per kind (zeros dropped),
    summed over the apps listed under `member_owned` (crm: customers, leads, tasks, visits, …)."""
    return _summed("member_owned", user_id=user_id)


def member_move_work(*, from_user_id: int, to_user_id: int, by_user_id: int) -> dict[str, int]:
    """Move the member's work to a colleague in the active store schema, in the caller's transaction;
    per-kind counts moved (the apps listed under `member_handover`)."""
    return _summed("member_handover", from_user_id=from_user_id, to_user_id=to_user_id, by_user_id=by_user_id)
