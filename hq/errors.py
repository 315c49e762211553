"""HQ domain errors (mapped to HTTP by tenants.api.errors, to form errors by the views)."""

from __future__ import annotations

from tenants.errors import Conflict, DomainError


class PolicyInvalid(DomainError):
    """模板内容不合规: a rule, field or range in a policy template is refused, with the reason."""


class PolicyNotEditable(Conflict):
    """已发布版本不可修改: a published policy version never changes."""


class PolicyTooManyTasks(PolicyInvalid):
    """任务过多: the cadence would create more follow-up tasks per customer per year than is sane."""


class OverrideNotAllowed(DomainError):
    """门店调整超出模板开放范围: a store override outside what the template leaves open."""
