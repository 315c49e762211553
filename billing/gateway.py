"""The only module that talks to Stripe. Everything else sees plain dicts and our own errors.

`STRIPE_API_BASE` points the SDK at localstripe in tests and local runs; empty means real Stripe.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import stripe
from django.conf import settings
from django.utils.translation import gettext

from .errors import PaymentProviderUnavailable, WebhookSignatureInvalid
from .plans import PlanPrice

log = logging.getLogger(__name__)


def _client() -> stripe.StripeClient:
    base = settings.STRIPE_API_BASE
    return stripe.StripeClient(
        settings.STRIPE_API_KEY,
        base_addresses={"api": base} if base else None,
        max_network_retries=settings.STRIPE_MAX_NETWORK_RETRIES,
    )


def _opts(idempotency_key: str | None) -> Any:
    return {"idempotency_key": idempotency_key} if idempotency_key else None


def _unavailable(exc: stripe.StripeError, what: str) -> PaymentProviderUnavailable:
    log.warning("stripe %s failed: %s (%s)", what, exc.user_message or exc, exc.http_status)
    return PaymentProviderUnavailable(gettext("支付服务暂时无法完成该操作，请稍后再试。"))


def customer_create(*, name: str, email: str, group_id: int, idempotency_key: str | None = None) -> dict[str, Any]:
    params: Any = {"name": name, "metadata": {"group_id": str(group_id)}}
    if email:
        params["email"] = email
    try:
        return _client().v1.customers.create(params=params, options=_opts(idempotency_key)).to_dict()
    except stripe.StripeError as exc:
        raise _unavailable(exc, "customer create") from exc


def plan_ensure(price: PlanPrice) -> None:
    """Create the Stripe product and plan for `price` if Stripe does not have them yet."""
    client = _client()
    try:
        client.v1.plans.retrieve(price.stripe_plan_id)
        return
    except stripe.InvalidRequestError as exc:
        if exc.http_status != 404:
            raise _unavailable(exc, "plan retrieve") from exc
    except stripe.StripeError as exc:
        raise _unavailable(exc, "plan retrieve") from exc
    try:
        try:
            client.v1.products.retrieve(price.stripe_product_id)
        except stripe.InvalidRequestError:
            client.v1.products.create(params={"id": price.stripe_product_id, "name": f"车主CRM {price.name}"})  # zh-data: the brand's name on the Stripe product
        client.v1.plans.create(params={
            "id": price.stripe_plan_id, "product": price.stripe_product_id, "amount": price.unit_amount,
            "currency": price.currency, "interval": price.interval, "nickname": f"{price.name}（{price.interval_label}）",
        })
    except stripe.StripeError as exc:
        raise _unavailable(exc, "plan create") from exc


def subscription_create(
    *, customer_id: str, plan_id: str, quantity: int, trial_days: int, group_id: int,
    idempotency_key: str | None = None,
) -> dict[str, Any]:
    params: Any = {
        "customer": customer_id,
        "items": [{"plan": plan_id, "quantity": quantity}],
        "metadata": {"group_id": str(group_id)},
    }
    if trial_days:
        params["trial_period_days"] = trial_days
    try:
        return _client().v1.subscriptions.create(params=params, options=_opts(idempotency_key)).to_dict()
    except stripe.StripeError as exc:
        raise _unavailable(exc, "subscription create") from exc


def subscription_retrieve(subscription_id: str) -> dict[str, Any]:
    try:
        return _client().v1.subscriptions.retrieve(subscription_id).to_dict()
    except stripe.StripeError as exc:
        raise _unavailable(exc, "subscription retrieve") from exc


def subscription_update_item(
    *, subscription_id: str, item_id: str, quantity: int, plan_id: str | None = None
) -> dict[str, Any]:
    """Change the per-store quantity (and optionally the plan) of the subscription's one item, prorated.

    Stripe prorates by default; production says so explicitly. localstripe answers 500 to
    `proration_behavior`, so tests against it turn BILLING_STRIPE_SEND_PRORATION_BEHAVIOR off.
    """
    item: dict[str, Any] = {"id": item_id, "quantity": quantity}
    if plan_id:
        item["plan"] = plan_id
    params: Any = {"items": [item]}
    if settings.BILLING_STRIPE_SEND_PRORATION_BEHAVIOR:
        params["proration_behavior"] = "create_prorations"
    try:
        return _client().v1.subscriptions.update(subscription_id, params=params).to_dict()
    except stripe.StripeError as exc:
        raise _unavailable(exc, "subscription update") from exc


def subscription_cancel(*, subscription_id: str, at_period_end: bool) -> dict[str, Any]:
    client = _client()
    try:
        if at_period_end:
            return client.v1.subscriptions.update(subscription_id, params={"cancel_at_period_end": True}).to_dict()
        return client.v1.subscriptions.cancel(subscription_id).to_dict()
    except stripe.StripeError as exc:
        raise _unavailable(exc, "subscription cancel") from exc


def invoice_preview(*, customer_id: str, subscription_id: str) -> dict[str, Any]:
    """The next invoice Stripe would send (POST /v1/invoices/create_preview)."""
    try:
        return _client().v1.invoices.create_preview(
            params={"customer": customer_id, "subscription": subscription_id}
        ).to_dict()
    except stripe.StripeError as exc:
        raise _unavailable(exc, "invoice preview") from exc


def invoice_list(*, customer_id: str, limit: int = 12) -> list[dict[str, Any]]:
    try:
        page = _client().v1.invoices.list(params={"customer": customer_id, "limit": limit})
    except stripe.StripeError as exc:
        raise _unavailable(exc, "invoice list") from exc
    return [inv.to_dict() for inv in page.data]


def portal_session_create(*, customer_id: str, return_url: str) -> str:
    """A Stripe customer-portal link where the group updates its card (not in localstripe)."""
    try:
        session = _client().v1.billing_portal.sessions.create(
            params={"customer": customer_id, "return_url": return_url}
        )
    except stripe.StripeError as exc:
        raise _unavailable(exc, "billing portal") from exc
    return str(session.url)


def checkout_setup_session_create(*, customer_id: str, success_url: str, cancel_url: str) -> str:
    """A Stripe Checkout page in setup mode that collects a new card (not in localstripe)."""
    try:
        params: Any = {
            "mode": "setup", "customer": customer_id, "currency": settings.BILLING_CURRENCY,
            "payment_method_types": ["card"], "success_url": success_url, "cancel_url": cancel_url,
        }
        session = _client().v1.checkout.sessions.create(params=params)
    except stripe.StripeError as exc:
        raise _unavailable(exc, "checkout session") from exc
    return str(session.url)


def webhook_event_parse(*, payload: bytes, signature: str) -> dict[str, Any]:
    """Verify Stripe-Signature (HMAC and age) and return the event as a dict."""
    try:
        stripe.WebhookSignature.verify_header(
            payload.decode("utf-8"), signature, settings.STRIPE_WEBHOOK_SECRET,
            settings.STRIPE_WEBHOOK_TOLERANCE,
        )
        event = json.loads(payload)
    except (stripe.SignatureVerificationError, ValueError, UnicodeDecodeError) as exc:
        raise WebhookSignatureInvalid(gettext("签名无效或已过期。")) from exc
    if not isinstance(event, dict) or not event.get("id") or not event.get("type"):
        raise WebhookSignatureInvalid(gettext("事件格式无效。"))
    return event
