"""每月底导出: on the last day of each month, every store's list of cars due for maintenance next month
that have not come in is saved as an XLSX file and customer service is told where to download it.

The file lives in Django storage under `cadence/maintenance-due/<schema>/<YYYY-MM>.xlsx`, one per store
and month; a rerun (redelivered job, manual run) rewrites the same file and notifies nobody twice.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from hq.models import PolicyKind
from hq.selectors import policy_effective
from tenants.exports import XLSX  # noqa: F401 (the type the download carries; tests read it here)
from tenants.models import Store
from tenants.roles import StoreRole
from tenants.selectors import store_role_members

from ..models.aftersales import Notification
from ..models.cadence import MaintenanceDueList
from ..notifications import notify
from . import export
from .engine import current_store
from .selectors import maintenance_due_between

LIST_DIR = "cadence/maintenance-due"
NOTICE_KIND = "maintenance"


def list_month(today: dt.date) -> dt.date:
    """The month a list made `today` covers: the month after yesterday's. On the last day of a month
    that is next month; a run delivered after midnight (day 1) still makes that same month's list."""
    first, _last = export.next_month(today - dt.timedelta(days=1))
    return first


def is_month_end(day: dt.date) -> bool:
    return (day + dt.timedelta(days=1)).day == 1


def store_list_dir(store: Store) -> str:
    return f"{LIST_DIR}/{store.schema_name}/"


def list_path(store: Store, month: dt.date) -> str:
    return f"{store_list_dir(store)}{month:%Y-%m}.xlsx"


def download_url(row: MaintenanceDueList) -> str:
    return reverse("cadence:maintenance_list_download", kwargs={"pk": row.pk}, urlconf=settings.ROOT_URLCONF)  # also from a task


def _recipients(store: Store) -> list[int]:
    """客服: the store's customer service; a store without one tells its general manager."""
    members = store_role_members(store.pk)
    for role in (StoreRole.CUSTOMER_SERVICE, StoreRole.GENERAL_MANAGER):
        if members.get(role):
            return members[role]
    return []


@transaction.atomic
def maintenance_list_generate(*, month: dt.date | None = None, today: dt.date | None = None
                              ) -> MaintenanceDueList | None:
    """每月底导出: write the active store's list for `month` (default: the month after yesterday's) to
    storage and record it; the first time a month's list is made, customer service is notified with
    the download link. None when the store has no cadence policy to predict maintenance with."""
    store = current_store()
    first = (month or list_month(today or timezone.localdate())).replace(day=1)
    _next_first, last = export.next_month(first - dt.timedelta(days=1))
    policy = policy_effective(store, PolicyKind.CADENCE)
    if policy is None:
        return None
    items = maintenance_due_between(first, last, policy.body)
    row = MaintenanceDueList.objects.select_for_update().filter(month=first).first()
    path = list_path(store, first)
    if default_storage.exists(path):
        default_storage.delete(path)  # same name every time: a rerun replaces the file
    with translation.override(settings.LANGUAGE_CODE):  # the stored list is in the site language
        content = export.maintenance_due_file(items)
    saved = default_storage.save(path, ContentFile(content))
    values = {"file_path": saved, "rows": len(items), "policy_version_id": policy.version.pk,
              "generated_at": timezone.now()}
    if row is not None:
        for key, value in values.items():
            setattr(row, key, value)
        row.save(update_fields=list(values))
        return row
    row = MaintenanceDueList.objects.create(month=first, **values)
    title = gettext("%(year)s年%(month)s月到期保养名单已生成：%(n)s 辆未进站") % {
        "year": first.year, "month": first.month, "n": len(items)}
    notify([
        Notification(recipient_id=uid, kind=NOTICE_KIND, title=title[:120],
                     body=gettext("请邀约客户进站保养。下载：%(url)s") % {"url": download_url(row)})
        for uid in _recipients(store)
    ])
    return row
