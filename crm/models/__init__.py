"""One store's CRM (tenant schema). Staff are public-schema users, referenced by plain ids."""

from .aftersales import Complaint, CorrectiveAction, ReturnVisit, SurveyAnswer
from .appointments import Appointment, KeyReviewCoaching, KeyReviewItem, KeyReviewWeek
from .cadence import CadenceRun, FollowUpTask, OutboxMessage
from .customers import ClassificationPolicy, Customer, CustomerAssignment, SavedView
from .funnel import FollowUp, Lead, Reception, TestDrive
from .imports import ImportJob
from .leads import ConsultantDuty, LeadIntake, LeadRoutingRule, LeadSource, LeadSourceHook
from .service import ServiceVisit
from .vehicles import DocumentKind, MileageReading, Vehicle, VehicleDocument, VehicleOwnership

__all__ = [
    "Appointment", "KeyReviewCoaching", "KeyReviewItem", "KeyReviewWeek", "DocumentKind", "VehicleDocument",
    "CadenceRun", "ClassificationPolicy", "Complaint", "CorrectiveAction", "Customer", "CustomerAssignment",
    "ConsultantDuty", "FollowUp", "FollowUpTask", "ImportJob", "Lead", "LeadIntake", "LeadRoutingRule",
    "LeadSource", "LeadSourceHook", "MileageReading", "OutboxMessage", "Reception",
    "ReturnVisit", "SavedView", "ServiceVisit", "SurveyAnswer", "TestDrive", "Vehicle", "VehicleOwnership",
]
