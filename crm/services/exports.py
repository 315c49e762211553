"""导出: a filtered customer list (with each customer's vehicles) as rows; `tenants.exports` writes the file.

Numbers are masked (138****8000) unless the caller's purpose needs them: the customer-list export
(客户导出, for lists and analysis in Excel) is masked; the whole-store take-out (crm.services.store_export,
the dealer leaving with its own data) is not. Whoever exports records it (crm.privacy)."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Prefetch, QuerySet

from tenants.validators import mask_cn_mobile

from ..models import Customer, Vehicle

HEADERS = ["姓名", "手机号", "性别", "所在区域", "价值等级", "忠诚度", "标签", "车架号", "车牌号", "品牌", "车型", "购车日期"]  # zh-data: the customer file's column names, which the import reads back


EXPORT_LIMIT = 100_000


def export_rows(customers: QuerySet[Customer], *, masked: bool, limit: int = EXPORT_LIMIT) -> Iterator[list[str]]:
    """One row per customer and vehicle (a customer without a vehicle: one row), in `HEADERS` order."""
    qs = customers.prefetch_related(Prefetch("vehicles", queryset=Vehicle.objects.order_by("pk")))
    for c in qs[:limit].iterator(chunk_size=2000):
        base = [c.name, mask_cn_mobile(c.mobile) if masked else c.mobile, c.get_gender_display(), c.get_region_display(), c.value_class,
                c.get_loyalty_display(), ",".join(c.tags)]
        vehicles: list[Vehicle | None] = [*c.vehicles.all()] or [None]
        for v in vehicles:
            yield base + ([v.vin, v.plate, v.brand, v.model, v.purchased_on.isoformat() if v.purchased_on else ""]
                          if v else ["", "", "", "", ""])
