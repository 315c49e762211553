"""站内通知 and 企业微信: the one way a notice reaches a member of staff.

`notify` writes the in-app notices (crm.models.Notification); where the store's group has WeCom switched on
(hq.services.messaging) and the recipient has a 企业微信账号 on this store, it also queues one WeCom
application message per notice in the store's outbox (crm.cadence.outbox: claimed, sent and reconciled
exactly once, like SMS). The in-app notice is written first and always: it is the fallback when WeCom is
off, the member has no WeCom account, or WeCom gives up (the failure shows on the notice).
"""

from __future__ import annotations

from collections.abc import Iterable

from celery import current_app
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils.translation import gettext

from hq.services.messaging import wecom_enabled
from tenants.messaging.wecom import CHANNEL as WECOM
from tenants.models import Store
from tenants.selectors import store_wecom_userids
from tenants.services.onboarding import store_url

from .models import OutboxMessage
from .models.aftersales import Notification


def _store() -> Store | None:
    tenant = getattr(connection, "tenant", None)
    return tenant if isinstance(tenant, Store) else None


def _insert_new(notices: list[Notification]) -> list[Notification]:
    """Insert each notice unless its unique key is already there (the SLA sweep's one notice per deadline
    and person); the ones inserted."""
    created = []
    for notice in notices:
        try:
            with transaction.atomic():
                notice.save(force_insert=True)
        except IntegrityError:
            continue
        created.append(notice)
    return created


def notices_link(store: Store) -> str:
    """The store's 站内通知 page, absolute: what a WeCom card opens."""
    return store_url(store).rstrip("/") + reverse("aftersales:notifications", urlconf=settings.ROOT_URLCONF)


@transaction.atomic
def notify(notices: Iterable[Notification], *, exclude: int | None = None,
           unique: bool = False) -> list[Notification]:
    """通知: write these in-app notices (not yet saved; one per recipient) and queue their WeCom messages.

    `exclude`: a user who never gets the notice (the one who acted). `unique`: notices may already exist
    under a unique key (the SLA sweep): those are skipped, with their WeCom message, so a rerun sends nothing
    twice. Returns the notices written."""
    rows = [n for n in notices if n.recipient_id and n.recipient_id != exclude]
    for n in rows:
        n.title, n.body = n.title[:120], n.body[:500]
    if not rows:
        return []
    created = _insert_new(rows) if unique else Notification.objects.bulk_create(rows)
    _queue_wecom(created)
    return created


def _queue_wecom(created: list[Notification]) -> None:

    store = _store()
    if store is None or not created or not wecom_enabled(store.group_id):
        return
    userids = store_wecom_userids(store.pk, sorted({n.recipient_id for n in created}))
    if not userids:
        return
    link = notices_link(store)
    button = gettext("查看")
    OutboxMessage.objects.bulk_create([
        OutboxMessage(customer=None, notification=n, channel=WECOM, to=userids[n.recipient_id],
                      body=n.body or n.title, rule_key=f"notice:{n.kind}"[:40],
                      # The notice id in the link makes each card's content unique for WeCom's duplicate check.
                      params={"title": n.title, "url": f"{link}?notice={n.pk}", "button": button})
        for n in created if n.recipient_id in userids])
    schema = store.schema_name

    def kick() -> None:  # the store's outbox now, not at the next five-minute beat (crm.cadence.tasks)
        current_app.send_task("cadence.outbox_dispatch", headers={"_schema_name": schema})

    transaction.on_commit(kick)
