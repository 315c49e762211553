"""Django forms of the store pages that take files (errors shown at their field, what was chosen kept)."""

from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from tenants.errors import DomainError

from .models import DocumentKind
from .services.vehicles import document_type_check


class VehicleDocumentForm(forms.Form):
    """上传车辆资料: the kind, the file (PDF/JPEG/PNG by content, at most 10 MB) and a note."""

    kind = forms.ChoiceField(label=_("资料类型"), choices=[("", _("请选择")), *DocumentKind.choices],
                             error_messages={"required": _("请选择资料类型。")})
    file = forms.FileField(label=_("文件"), error_messages={"required": _("请选择要上传的文件。"),
                                                           "empty": _("文件是空的，请重新选择。")})
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        head = upload.read(16)
        upload.seek(0)
        try:
            document_type_check(head=head, size=upload.size or 0)
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from None
        return upload
