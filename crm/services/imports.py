"""导入/导出: customers with vehicles from CSV/XLSX (preview with per-row errors, then import) and export.

Rows match existing records by mobile number and VIN, so importing the same file twice adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from tenants.errors import DomainError
from tenants.models import StoreMembership, User
from tenants.requests import current_store
from tenants.uploads import read_table

from ..models import AccessAction, Customer, ImportJob, Vehicle, VehicleOwnership
from ..models.choices import Gender, Region, Source
from ..pinyin import name_pinyin_keys
from ..privacy import Origin, access_record
from ..validators import clean_mobile, clean_plate, clean_vin

# Column header → field. Headers are what Chinese stores' spreadsheets use.
COLUMNS = {
    "姓名": "name", "手机号": "mobile", "性别": "gender", "微信": "wechat", "所在区域": "region", "标签": "tags",  # zh-data: the column names of stores' spreadsheets
    "备注": "notes", "车架号": "vin", "车牌号": "plate", "品牌": "brand", "车型": "model", "颜色": "colour",  # zh-data: the column names of stores' spreadsheets
    "购车日期": "purchased_on",  # zh-data: the column names of stores' spreadsheets
}
HEADER_OF = {v: k for k, v in COLUMNS.items()}
CHUNK = 2000
MAX_ERRORS_KEPT = 500


@dataclass
class ParsedRow:
    line: int
    data: dict[str, Any]


def _choice(value: str, enum: Any, label: str) -> str:
    if not value:
        return ""
    with translation.override(settings.LANGUAGE_CODE):  # the file's words are Chinese (男/女, 华东…)
        chinese = {str(text): v for v, text in enum.choices}
    for v, text in enum.choices:
        if value in (v, str(text)) or chinese.get(value) == v:
            return str(v)
    raise DomainError(gettext("%(column)s“%(value)s”无法识别。") % {"column": label, "value": value})


def _date(value: str) -> date | None:
    if not value:
        return None
    try:
        d = date.fromisoformat(value.replace("/", "-").replace(".", "-")[:10])
    except ValueError:
        raise DomainError(gettext("日期格式应为 2024-05-01。")) from None
    if d > timezone.localdate():
        raise DomainError(gettext("购车日期不能晚于今天。"))
    return d


def _row(cells: dict[str, str]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    data: dict[str, Any] = {}
    errors: list[tuple[str, str]] = []

    def take(field: str, fn: Any) -> None:
        try:
            data[field] = fn(cells.get(field, ""))
        except DomainError as exc:
            errors.append((HEADER_OF[field], exc.message))

    take("name", lambda v: v[:50] if v else (_ for _ in ()).throw(DomainError(gettext("姓名不能为空。"))))
    take("mobile", lambda v: clean_mobile(v))
    take("gender", lambda v: _choice(v, Gender, HEADER_OF["gender"]))
    take("region", lambda v: _choice(v, Region, HEADER_OF["region"]))
    take("purchased_on", _date)
    take("plate", clean_plate)
    take("vin", lambda v: clean_vin(v) if v else "")
    for key in ("wechat", "notes", "brand", "model", "colour"):
        data[key] = cells.get(key, "")[:60 if key != "notes" else 2000]
    data["tags"] = sorted({t for t in cells.get("tags", "").replace("，", ",").split(",") if t.strip()})
    if data.get("plate") and not data.get("vin") and not errors:
        errors.append((HEADER_OF["vin"], gettext("填写车牌号时必须同时填写车架号。")))
    return data, errors


def import_parse(*, filename: str, content: bytes) -> tuple[list[ParsedRow], list[dict[str, Any]], int]:
    """Read and check every row: (valid rows, errors as {line, column, reason}, total data rows)."""
    table = read_table(filename, content)
    if not table:
        raise DomainError(gettext("文件是空的。"), field="file")
    header = [COLUMNS.get(h.strip()) for h in table[0]]
    missing = [HEADER_OF[f] for f in ("name", "mobile") if f not in header]
    if missing:
        raise DomainError(gettext("缺少必填列：%(columns)s。第一行应为表头，如 姓名,手机号,车架号,车牌号。")
                          % {"columns": "、".join(missing)}, field="file")
    valid: list[ParsedRow] = []
    errors: list[dict[str, Any]] = []
    seen_mobile: dict[str, int] = {}
    seen_vin: dict[str, int] = {}
    total = 0
    for line, raw in enumerate(table[1:], start=2):
        if not any(raw):
            continue
        total += 1
        cells = {f: raw[i] if i < len(raw) else "" for i, f in enumerate(header) if f}
        data, row_errors = _row(cells)
        if not row_errors:
            if data["mobile"] in seen_mobile and data["vin"] == "":
                row_errors.append((HEADER_OF["mobile"], gettext("与第 %(line)s 行重复。") % {"line": seen_mobile[data["mobile"]]}))
            if data["vin"] and data["vin"] in seen_vin:
                row_errors.append((HEADER_OF["vin"], gettext("与第 %(line)s 行重复。") % {"line": seen_vin[data["vin"]]}))
        if row_errors:
            errors += [{"line": line, "column": col, "reason": reason} for col, reason in row_errors]
            continue
        seen_mobile.setdefault(data["mobile"], line)
        if data["vin"]:
            seen_vin[data["vin"]] = line
        valid.append(ParsedRow(line, data))
    return valid, errors, total


@transaction.atomic
def import_preview(*, member: StoreMembership, filename: str, content: bytes) -> ImportJob:
    """导入预览: store the file and its per-row errors; nothing is imported yet."""
    valid, errors, total = import_parse(filename=filename, content=content)
    return ImportJob.objects.create(
        user_id=member.user_id, filename=filename[:200], content=content, total_rows=total, valid_rows=len(valid),
        errors=errors[:MAX_ERRORS_KEPT], message=gettext("共 %(total)s 行，可导入 %(valid)s 行，%(invalid)s 行有错误。")
        % {"total": total, "valid": len(valid), "invalid": total - len(valid)},
    )


IMPORTED_FIELDS = ("name", "mobile", "gender", "region", "wechat", "notes", "tags")


def _import_chunk(rows: list[ParsedRow], consultant_id: int | None,
                  touched: set[int]) -> tuple[int, int, list[dict[str, Any]]]:
    """Import one chunk; the ids of customers created or given a car are added to `touched`."""
    mobiles = {r.data["mobile"] for r in rows}
    vins = {r.data["vin"] for r in rows if r.data["vin"]}
    by_mobile = dict(Customer.objects.filter(mobile__in=mobiles).values_list("mobile", "pk"))
    by_mobile.update(dict(Customer.objects.filter(mobile2__in=mobiles).values_list("mobile2", "pk")))
    fields = ("name", "gender", "region", "wechat", "notes", "tags")
    first: dict[str, dict[str, Any]] = {}
    for r in rows:
        first.setdefault(r.data["mobile"], r.data)
    new = [Customer(mobile=m, source=Source.IMPORT, consultant_id=consultant_id, **{f: first[m][f] for f in fields})
           for m in sorted(mobiles - by_mobile.keys())]
    for c in new:
        c.name_pinyin, c.name_initials = name_pinyin_keys(c.name)
    Customer.objects.bulk_create(new)
    by_mobile.update({c.mobile: c.pk for c in new})
    touched.update(c.pk for c in new)
    owner_of_vin = dict(Vehicle.objects.filter(vin__in=vins).values_list("vin", "owner_id"))
    errors = []
    vehicles = []
    for r in rows:
        vin = r.data["vin"]
        if not vin:
            continue
        owner = by_mobile[r.data["mobile"]]
        if vin in owner_of_vin:
            if owner_of_vin[vin] != owner:
                errors.append({"line": r.line, "column": HEADER_OF["vin"], "reason": gettext("该车架号已登记在其他客户名下，未导入车辆。")})
            continue
        vehicles.append(Vehicle(vin=vin, vin_tail=vin[-6:], plate=r.data["plate"], owner_id=owner,
                                brand=r.data["brand"][:30], model=r.data["model"][:40], colour=r.data["colour"][:20],
                                purchased_on=r.data["purchased_on"], delivered_on=r.data["purchased_on"]))
    Vehicle.objects.bulk_create(vehicles)
    touched.update(v.owner_id for v in vehicles)
    today = timezone.localdate()
    VehicleOwnership.objects.bulk_create(
        [VehicleOwnership(vehicle=v, customer_id=v.owner_id, started_on=v.delivered_on or today) for v in vehicles])
    if vehicles:
        Customer.objects.filter(pk__in={v.owner_id for v in vehicles}, lifecycle="prospect").update(lifecycle="owner")
    return len(new), len(vehicles), errors


def _importer(job: ImportJob) -> StoreMembership:
    """Who imports: the member who uploaded (still recorded by id and name if they have since left)."""
    member = (StoreMembership.objects.select_related("user")
              .filter(user_id=job.user_id, store_id=current_store().pk).first())
    return member or StoreMembership(user=User(pk=job.user_id, name=""), role="")


def import_run(*, job: ImportJob, consultant_id: int | None = None, origin: Origin | None = None) -> ImportJob:
    """导入有效行, chunk by chunk (each chunk its own transaction, so progress shows on the page).

    Each chunk records the customers it created or gave a car in the access log (个人信息访问记录)."""
    if job.status in (ImportJob.Status.DONE, ImportJob.Status.RUNNING):
        return job
    if not job.content:  # the raw file was deleted (import_raw_files_purge): nothing can be imported
        raise DomainError(_("原始文件已删除，请重新上传。"), field="file")
    valid, _errors, _total = import_parse(filename=job.filename, content=bytes(job.content))
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING, processed=0)
    job.refresh_from_db()
    late_errors: list[dict[str, Any]] = []
    importer = _importer(job)
    try:
        for start in range(0, len(valid), CHUNK):
            chunk = valid[start:start + CHUNK]
            with transaction.atomic():
                touched: set[int] = set()
                c, v, errs = _import_chunk(chunk, consultant_id, touched)
                if touched:
                    access_record(member=importer, action=AccessAction.IMPORT, customer_ids=touched,
                                  fields=[*IMPORTED_FIELDS, "vehicles"] if v else IMPORTED_FIELDS, origin=origin,
                                  detail=job.filename)
                job.created_customers += c
                job.created_vehicles += v
                job.processed += len(chunk)
                late_errors += errs
                job.save(update_fields=["created_customers", "created_vehicles", "processed"])
    except Exception as exc:
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.FAILED, message=(gettext("导入失败：%(error)s") % {"error": exc})[:300])
        raise
    job.status = ImportJob.Status.DONE
    job.finished_at = timezone.now()
    job.errors = (job.errors + late_errors)[:MAX_ERRORS_KEPT]
    job.message = gettext("导入完成：新增客户 %(customers)s 位，新增车辆 %(vehicles)s 辆。") % {
        "customers": job.created_customers, "vehicles": job.created_vehicles}
    job.save(update_fields=["status", "finished_at", "errors", "message"])
    return job


def import_raw_files_purge(*, now: datetime | None = None) -> int:
    """删除过期的原始导入文件: blank the uploaded bytes of this store's jobs older than
    `UPLOAD_RAW_RETENTION_HOURS` (queued/running ones are left to finish); a preview that was never
    confirmed is closed as expired. Returns how many files were deleted. Run hourly per store."""
    cutoff = (now or timezone.now()) - timedelta(hours=settings.UPLOAD_RAW_RETENTION_HOURS)
    old = ImportJob.objects.filter(created_at__lt=cutoff).exclude(content=b"").exclude(
        status__in=(ImportJob.Status.QUEUED, ImportJob.Status.RUNNING))
    with transaction.atomic():
        expired = old.filter(status=ImportJob.Status.PREVIEWED).update(
            content=b"", status=ImportJob.Status.FAILED,
            message=_("预览已过期：原始文件已在上传 %(hours)s 小时后删除，请重新上传。")
            % {"hours": settings.UPLOAD_RAW_RETENTION_HOURS})
        return expired + old.update(content=b"")
