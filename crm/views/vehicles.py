"""一车一档 pages: one car's file, its documents (upload, download, delete) — every one behind store_view."""

from __future__ import annotations

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tenants.access import store_view
from tenants.errors import DomainError
from tenants.exports import download
from tenants.requests import member_of
from tenants.roles import Perm, role_allows

from ..access import get_vehicle_for_member
from ..forms import VehicleDocumentForm
from ..selectors import vehicle_document_for_member, vehicle_file
from ..services import vehicle_document_delete, vehicle_document_upload
from ..services.vehicles import document_dir
from .common import store_id


def _page(request: HttpRequest, pk: int, form: VehicleDocumentForm | None = None, status: int = 200) -> HttpResponse:
    member = member_of(request)
    data = vehicle_file(member=member, pk=pk, store_id=store_id())
    return render(request, "crm/vehicle_file.html", {
        **data, "form": form or VehicleDocumentForm(),
        "can_edit": role_allows(member.role, Perm.EDIT_CUSTOMERS),
        "can_delete": role_allows(member.role, Perm.SUPERVISE),
    }, status=status)


@store_view(Perm.VIEW_STORE)
def vehicle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """一车一档: the car's owners over time, services, mileage, return visits, complaints and documents."""
    return _page(request, pk)


@require_POST
@store_view(Perm.EDIT_CUSTOMERS)
def vehicle_document_new(request: HttpRequest, pk: int) -> HttpResponse:
    """上传车辆资料: errors are shown at their field on the car's page; nothing is stored."""
    member = member_of(request)
    vehicle = get_vehicle_for_member(member, pk)
    form = VehicleDocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            document = vehicle_document_upload(member=member, vehicle=vehicle, kind=form.cleaned_data["kind"],
                                               upload=form.cleaned_data["file"], note=form.cleaned_data["note"])
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("已上传「%(name)s」。") % {"name": document.original_name})
            return redirect(reverse("crm:vehicle_detail", kwargs={"pk": vehicle.pk}) + "#documents")
    return _page(request, pk, form, status=400)


@store_view(Perm.VIEW_STORE)
def vehicle_document_download(request: HttpRequest, pk: int, doc_pk: int) -> HttpResponse:
    """下载车辆资料: only through this view (no public URL), only from this store's folder."""
    document = vehicle_document_for_member(member=member_of(request), vehicle_pk=pk, pk=doc_pk)
    if not document.file_path.startswith(document_dir(document.vehicle)) or \
            not default_storage.exists(document.file_path):
        raise Http404(_("页面不存在"))
    with default_storage.open(document.file_path, "rb") as fh:  # at most 10 MB (DOCUMENT_MAX_BYTES)
        return download(fh.read(), document.original_name, fallback=f"document-{document.pk}.{document.original_name.rpartition('.')[2]}",
                        content_type=document.content_type)


@require_POST
@store_view(Perm.SUPERVISE)
def vehicle_document_remove(request: HttpRequest, pk: int, doc_pk: int) -> HttpResponse:
    """删除车辆资料 (manager)."""
    member = member_of(request)
    document = vehicle_document_for_member(member=member, vehicle_pk=pk, pk=doc_pk)
    name = document.original_name
    vehicle_document_delete(member=member, document=document)
    messages.success(request, _("已删除「%(name)s」。") % {"name": name})
    return redirect(reverse("crm:vehicle_detail", kwargs={"pk": pk}) + "#documents")
