"""线索导入: the lead exports of the major platforms, recognised by their header row.

Every row is checked first; a file with any error imports nothing and reports each error with its line
and column (the platform's own header). A clean file goes through the one intake service (dedupe,
routing, deadlines) in one transaction. The file is read by tenants.uploads (limits, encodings).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tenants.errors import DomainError
from tenants.models import StoreMembership
from tenants.uploads import read_table

from ..models.leads import IntakeVia, LeadSource
from .intake import MAX_BATCH, IntakeItem, intake_validate, lead_intake_batch


@dataclass(frozen=True)
class Layout:
    source: str
    columns: dict[str, str]  # the platform's header → our field
    required: tuple[str, ...]  # headers that identify the layout

    @property
    def label(self) -> str:
        return str(LeadSource(self.source).label)


def _layouts() -> tuple[Layout, ...]:
    """The platforms' export headers, kept as data (layouts.json) beside this module."""
    raw = json.loads((Path(__file__).with_name("layouts.json")).read_text(encoding="utf-8"))
    return tuple(Layout(x["source"], dict(x["columns"]), tuple(x["required"])) for x in raw["layouts"])


LAYOUTS = _layouts()
FIELD_LABELS = {"mobile": gettext_lazy("手机号"), "source": gettext_lazy("来源"),
                "source_lead_id": gettext_lazy("线索编号"), "name": gettext_lazy("姓名"),
                "received_at": gettext_lazy("时间")}


@dataclass
class ImportReport:
    layout: str = ""
    total: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    message: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors


def layout_for(header: list[str]) -> Layout:
    names = {h.strip() for h in header}
    for layout in LAYOUTS:
        if all(r in names for r in layout.required):
            return layout
    raise DomainError(_("无法识别该文件的格式：第一行应为汽车之家、懂车帝或易车导出文件的表头（如 线索ID、手机号码）。"),
                      field="file")


def _when(value: str) -> dt.datetime | None:
    if not value:
        return None
    text = value.strip().replace("/", "-").replace("T", " ")
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            naive = dt.datetime.strptime(text[:19], fmt)
        except ValueError:
            continue
        return timezone.make_aware(naive)  # the store's zone (activated for the request or task)
    raise DomainError(_("时间格式应为 2026-12-14 09:30。"))


def lead_import(*, member: StoreMembership, filename: str, content: bytes) -> ImportReport:
    """Check every row; import all of them (one transaction) or, with any error, none."""
    table = read_table(filename, content)
    if not table or not any(table[0]):
        raise DomainError(_("文件是空的。"), field="file")
    layout = layout_for(table[0])
    header_of = {f: h for h, f in layout.columns.items()}
    index = {layout.columns[h.strip()]: i for i, h in enumerate(table[0]) if h.strip() in layout.columns}
    report = ImportReport(layout=str(layout.label))
    items: list[IntakeItem] = []
    lines: list[int] = []
    for line, raw in enumerate(table[1:], start=2):
        if not any(raw):
            continue
        report.total += 1
        cells = {f: (raw[i] if i < len(raw) else "") for f, i in index.items()}
        try:
            received = _when(cells.get("received_at", ""))
        except DomainError as exc:
            report.errors.append({"line": line, "column": header_of["received_at"], "reason": exc.message})
            received = None
        items.append(IntakeItem(source=layout.source, mobile=cells.get("mobile", ""),
                                source_lead_id=cells.get("source_lead_id", ""), name=cells.get("name", ""),
                                campaign=cells.get("campaign", ""), model_of_interest=cells.get("model_of_interest", ""),
                                received_at=received))
        lines.append(line)
    seen: dict[str, int] = {}
    for item, line, errors in zip(items, lines, intake_validate(items), strict=True):
        for f, message in errors.items():
            report.errors.append({"line": line, "column": header_of.get(f) or str(FIELD_LABELS.get(f, f)), "reason": message})
        if item.source_lead_id in seen:
            report.errors.append({"line": line, "column": header_of["source_lead_id"],
                                  "reason": _("与第 %(line)s 行重复。") % {"line": seen[item.source_lead_id]}})
        elif item.source_lead_id:
            seen[item.source_lead_id] = line
    if not report.total:
        raise DomainError(_("文件中没有数据行。"), field="file")
    report.errors.sort(key=lambda e: (e["line"], e["column"]))
    if report.errors:
        report.message = _("共 %(total)s 行，%(bad)s 处错误，未导入任何线索。请改正后重新上传。") % {
            "total": report.total, "bad": len(report.errors)}
        return report
    with transaction.atomic():
        results = []
        for start in range(0, len(items), MAX_BATCH):
            results += lead_intake_batch(member=member, items=items[start:start + MAX_BATCH], via=IntakeVia.IMPORT)
    for r in results:
        report.counts[r.status] = report.counts.get(r.status, 0) + 1
    report.message = _("已导入%(layout)s线索 %(total)s 行：新收到 %(accepted)s 条，此前已收到 %(again)s 条。") % {
        "layout": report.layout, "total": report.total, "accepted": report.counts.get("accepted", 0),
        "again": report.counts.get("already_received", 0)}
    return report
