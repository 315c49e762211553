"""账号事件: the one writer of AccountEvent rows (read by tenants.selectors.account_events_for_*)."""

from __future__ import annotations

from typing import Any

from ..models import AccountEvent, Store, User


def account_event_record(
    *, kind: str, store: Store | None = None, group_id: int | None = None, actor: User | None = None,
    subject: User | None = None, detail: dict[str, Any] | None = None,
) -> AccountEvent:
    """Write one account event (store events carry their group, so HQ reads them by group)."""
    return AccountEvent.objects.create(
        kind=kind, store=store, group_id=group_id or (store.group_id if store else None), actor=actor,
        subject=subject, detail=detail or {},
    )
