"""What a store does when it adopts a new group version: the classification thresholds the CRM core
reads (客户分类标准) take the effective values. (Complaint deadlines are computed in one place,
crm.aftersales.policy.complaint_deadlines, from the effective policy including the store's overrides.)"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from hq.models import PolicyKind
from hq.selectors import policy_effective

from .engine import current_store

CLASSIFICATION_FIELDS = ("quota_a", "quota_b", "quota_c", "quota_d", "loyal_min_visits", "loyal_min_spend",
                         "at_risk_months", "lost_months", "warranty_months", "sanbao_months")


@transaction.atomic
def classification_policy_sync() -> bool:
    """Copy the store's effective classification policy into the CRM's ClassificationPolicy row."""
    from crm.services.classification import policy_get

    eff = policy_effective(current_store(), PolicyKind.CLASSIFICATION)
    if eff is None:
        return False
    row = policy_get()
    for field in CLASSIFICATION_FIELDS:
        value = eff.body[field]
        setattr(row, field, Decimal(str(value)) if field == "loyal_min_spend" else value)
    row.template_version = f"{eff.version.label}#{eff.version.pk}"
    row.save()
    return True
