"""Writes to one store's CRM: `<entity>_<action>`, keyword-only, atomic, returning the model."""

from .appointments import appointment_book, appointment_cancel, appointment_check_in, appointment_no_show
from .classification import classification_recompute_customer, classification_recompute_store, policy_get
from .customers import customer_create, customer_reassign, customer_update, saved_view_save
from .defeat import lead_defeat, lead_defeat_approve, lead_defeat_return
from .funnel import (
    followup_create,
    lead_close_deal,
    lead_create,
    lead_grade,
    lead_postpone,
    lead_set_key,
    reception_create,
    test_drive_create,
    test_drive_keep,
)
from .imports import import_preview, import_run
from .service_visits import service_visit_create
from .vehicles import (
    mileage_record,
    vehicle_create,
    vehicle_document_delete,
    vehicle_document_upload,
    vehicle_transfer,
)

__all__ = [
    "appointment_book", "appointment_cancel", "appointment_check_in", "appointment_no_show", "test_drive_keep",
    "classification_recompute_customer", "classification_recompute_store", "customer_create", "customer_reassign",
    "customer_update", "followup_create", "import_preview", "import_run", "lead_close_deal", "lead_create",
    "lead_defeat", "lead_defeat_approve", "lead_defeat_return", "lead_grade", "lead_postpone", "lead_set_key", "mileage_record", "policy_get",
    "reception_create", "saved_view_save", "service_visit_create", "test_drive_create", "vehicle_create", "vehicle_document_delete",
    "vehicle_document_upload", "vehicle_transfer",
]
