"""One store's CRM (tenant schema). Staff are public-schema users, referenced by plain ids."""

from .customers import ClassificationPolicy, Customer, CustomerAssignment, SavedView
from .funnel import FollowUp, Lead, Reception, TestDrive
from .imports import ImportJob
from .service import ServiceVisit
from .vehicles import MileageReading, Vehicle, VehicleOwnership

__all__ = [
    "ClassificationPolicy", "Customer", "CustomerAssignment", "FollowUp", "ImportJob", "Lead", "MileageReading",
    "Reception", "SavedView", "ServiceVisit", "TestDrive", "Vehicle", "VehicleOwnership",
]
from .cadence import CadenceRun, FollowUpTask, OutboxMessage  # noqa: E402,F401  (cadence engine, crm.cadence)
from .aftersales import Complaint, CorrectiveAction, ReturnVisit, SurveyAnswer  # noqa: E402,F401  (crm.aftersales)
