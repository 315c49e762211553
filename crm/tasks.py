"""Celery tasks: thin, take ids, run inside the store's schema (tenant-schemas-celery TenantTask)."""

from __future__ import annotations

from celery import shared_task

from tenants.requests import current_store

from .models import ImportJob
from .privacy import Origin
from .services.classification import classification_recompute_store
from .services.imports import import_raw_files_purge as purge
from .services.imports import import_run
from .services.key_review import key_review_open_week
from .services.pool import pool_return_idle


@shared_task(acks_late=True)
def import_job_run(job_id: int, consultant_id: int | None = None, ip: str | None = None,
                   user_agent: str = "") -> None:
    """导入任务: import the valid rows of a previewed file (`ip`/`user_agent`: who confirmed, for the access log)."""
    job = ImportJob.objects.get(pk=job_id)
    import_run(job=job, consultant_id=consultant_id, origin=Origin(ip=ip, user_agent=user_agent))


@shared_task(acks_late=True)
def classification_nightly() -> int:
    """夜间客户分类 for the store the task was sent for."""
    return classification_recompute_store()


@shared_task(acks_late=True)
def key_review_monday() -> int:
    """重点客户周报 for the store the task was sent for (beat: Mondays, through fan_out_to_stores)."""
    return key_review_open_week(store_id=current_store().pk).items


@shared_task(acks_late=True)
def import_raw_files_purge() -> int:
    """删除过期的原始导入文件 for the store the task was sent for (hourly, via the per-store fan-out)."""
    return purge()


@shared_task(acks_late=True)
def pool_return_nightly() -> int:
    """超期未跟进退回公海 for the store the task was sent for (nightly, via the per-store fan-out; the store's
    own date decides how many days a lead went without follow-up)."""
    return pool_return_idle()


@shared_task(acks_late=True)
def personal_info_retention_nightly() -> int:
    """保存期限到期处理 for the store the task was sent for (nightly, via the per-store fan-out)."""
    from .personal_info.services import (
        retention_run,  # cycle: crm.personal_info.services imports crm.tasks (Celery convention)
    )

    return retention_run().anonymised
