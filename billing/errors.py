"""Billing domain errors (mapped to HTTP by tenants.api.errors, to page messages by billing.views)."""

from __future__ import annotations

from tenants.errors import Conflict, DomainError


class UnknownPlan(DomainError):
    """The plan or interval asked for is not in the catalogue."""


class BillingNotOpened(Conflict):
    """The group has no subscription yet."""


class SubscriptionClosed(Conflict):
    """The subscription is canceled; nothing can be changed on it."""


class WebhookSignatureInvalid(DomainError):
    """Forged or stale Stripe-Signature."""


class PaymentProviderUnavailable(DomainError):
    """Stripe refused or could not be reached; the person may retry."""

    status = 503
