"""One store's CRM (tenant schema). Staff are public-schema users, referenced by plain ids."""

from .aftersales import Complaint, CorrectiveAction, ReturnVisit, SurveyAnswer, SurveyInvitation
from .appointments import Appointment, KeyReviewCoaching, KeyReviewItem, KeyReviewWeek
from .cadence import CadenceRun, FollowUpTask, OutboxMessage
from .consent import ConsentEvent, Suppression
from .customers import ClassificationPolicy, Customer, CustomerAssignment, SavedView
from .funnel import FollowUp, Lead, Reception, TestDrive
from .imports import ImportJob
from .leads import ConsultantDuty, LeadIntake, LeadRoutingRule, LeadSource, LeadSourceHook
from .personal_info import Anonymisation, PersonalInfoRequest, RetentionRun
from .pool import CustomerMerge, DefeatReview, PoolClaim
from .privacy import AccessAction, PersonalDataAccess
from .service import ServiceVisit
from .vehicles import DocumentKind, MileageReading, Vehicle, VehicleDocument, VehicleOwnership

__all__ = [
    "Anonymisation", "PersonalInfoRequest", "RetentionRun",
    "Appointment", "KeyReviewCoaching", "KeyReviewItem", "KeyReviewWeek", "DocumentKind", "VehicleDocument",
    "CadenceRun", "ClassificationPolicy", "Complaint", "ConsentEvent", "CorrectiveAction", "Customer",
    "CustomerAssignment", "CustomerMerge", "DefeatReview", "PoolClaim", "Suppression",
    "AccessAction", "FollowUp", "FollowUpTask", "ImportJob", "Lead", "MileageReading", "OutboxMessage",
    "PersonalDataAccess", "Reception",
    "ConsultantDuty", "LeadIntake", "LeadRoutingRule", "LeadSource", "LeadSourceHook",
    "ReturnVisit", "SavedView", "ServiceVisit", "SurveyAnswer", "SurveyInvitation", "TestDrive", "Vehicle", "VehicleOwnership",
]
