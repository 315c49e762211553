"""导入/导出 pages: upload → preview with per-row errors → import (a Celery task when large) → progress."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from tenants.access import store_view
from tenants.errors import DomainError
from tenants.exports import download, table_bytes
from tenants.requests import StoreRequest, member_of
from tenants.roles import Perm
from tenants.uploads import check_size

from ..models import AccessAction, ImportJob
from ..privacy import Origin, access_record
from ..selectors import CustomerFilters, customer_list
from ..services import import_preview, import_run
from ..services.exports import EXPORT_LIMIT, HEADERS, export_rows
from ..tasks import import_job_run

INLINE_LIMIT = 500  # rows imported within the request; larger files go to the worker


def _job(request: HttpRequest, pk: int) -> ImportJob:
    job = ImportJob.objects.filter(pk=pk, user_id=member_of(request).user_id).defer("content").first()
    if job is None:
        raise Http404(gettext("页面不存在"))
    return job


class ImportUploadForm(forms.Form):
    """The upload of 客户导入: a .csv/.xlsx within the size limit (rows and cells are checked on reading)."""

    file = forms.FileField(label=_("导入文件"), error_messages={"required": _("请选择要导入的文件。")})

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        try:
            check_size(upload.size or 0)  # before the body is read into memory
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from None
        return upload


@store_view(Perm.IMPORT_EXPORT)
def import_page(request: HttpRequest) -> HttpResponse:
    """客户导入: upload a CSV/XLSX and see the preview; a refused file is named at the field, nothing stored."""
    form = ImportUploadForm(request.POST, request.FILES) if request.method == "POST" else ImportUploadForm()
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = import_preview(member=member_of(request), filename=upload.name or "", content=upload.read())
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("crm:import_job", pk=job.pk)
    jobs = list(ImportJob.objects.filter(user_id=member_of(request).user_id).defer("content")[:10])
    status = 400 if form.errors else 200
    return render(request, "crm/import.html", {"jobs": jobs, "form": form,
                                               "retention_hours": settings.UPLOAD_RAW_RETENTION_HOURS,
                                               "max_mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024),
                                               "max_rows": settings.UPLOAD_MAX_ROWS}, status=status)


@store_view(Perm.IMPORT_EXPORT)
def import_job_page(request: StoreRequest, pk: int) -> HttpResponse:
    """导入预览与进度."""
    job = _job(request, pk)
    template = "crm/_import_progress.html" if request.htmx else "crm/import_job.html"
    return render(request, template, {"job": job})


@require_POST
@store_view(Perm.IMPORT_EXPORT)
def import_job_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """确认导入有效行."""
    job = _job(request, pk)
    if job.status != ImportJob.Status.PREVIEWED:
        return redirect("crm:import_job", pk=job.pk)
    if job.valid_rows <= INLINE_LIMIT:
        full = ImportJob.objects.get(pk=job.pk)
        try:
            import_run(job=full, origin=Origin.of(request))
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.QUEUED)
        origin = Origin.of(request)
        transaction.on_commit(lambda: import_job_run.delay(job.pk, None, origin.ip, origin.user_agent))
    return redirect("crm:import_job", pk=job.pk)


@store_view(Perm.IMPORT_EXPORT)
def export_view(request: HttpRequest, fmt: str) -> HttpResponse:
    """导出当前筛选的客户 (CSV / XLSX): numbers masked (the list is for working in Excel, not for dialling;
    a number is revealed one at a time on the customer's page), and the export is recorded."""
    member = member_of(request)
    qs = customer_list(member=member, filters=CustomerFilters.from_query(request.GET))
    ext = "xlsx" if fmt == "xlsx" else "csv"
    body = table_bytes(ext, export_rows(qs, masked=True), header=HEADERS, title=gettext("客户"))
    access_record(member=member, action=AccessAction.EXPORT, customer_ids=qs.values_list("pk", flat=True)[:EXPORT_LIMIT],
                  fields=["name", "mobile", "gender", "region", "tags"], origin=Origin.of(request),
                  detail=f"customers.{ext} · {request.GET.urlencode()}"[:200])
    return download(body, f"customers.{ext}")
