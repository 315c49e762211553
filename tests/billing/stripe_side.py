"""What Stripe (and the bank) do on their side, driven against localstripe: cards, renewals, webhooks.

Test-only: the app's own Stripe calls all live in billing/gateway.py.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.parse
import urllib.request
from typing import Any

import stripe
from django.conf import settings

GOOD_CARD = "4242424242424242"
# localstripe reports a failed renewal (invoice.payment_failed, subscription past_due) only when
# the charge fails *later*: a 3-D Secure card whose authentication the bank then refuses.
SCA_CARD = "4000002500003155"


def client() -> stripe.StripeClient:
    return stripe.StripeClient(settings.STRIPE_API_KEY, base_addresses={"api": settings.STRIPE_API_BASE},
                               max_network_retries=0)


def set_card(customer_id: str, number: str) -> None:
    c = client()
    pm = c.v1.payment_methods.create(
        params={"type": "card", "card": {"number": number, "exp_month": 12, "exp_year": 2035, "cvc": "123"}}
    )
    c.v1.payment_methods.attach(pm.id, params={"customer": customer_id})
    c.v1.customers.update(customer_id, params={"invoice_settings": {"default_payment_method": pm.id}})


def renew(customer_id: str, subscription_id: str) -> dict[str, Any]:
    """Stripe bills the next period: an invoice for the subscription, charged to the default card."""
    c = client()
    inv = c.v1.invoices.create(params={"customer": customer_id, "subscription": subscription_id})
    return c.v1.invoices.pay(inv.id).to_dict()


def renew_and_fail(customer_id: str, subscription_id: str) -> dict[str, Any]:
    """The renewal charge needs 3-D Secure and the card holder's bank refuses it: the payment fails."""
    c = client()
    set_card(customer_id, SCA_CARD)
    inv = c.v1.invoices.create(params={"customer": customer_id, "subscription": subscription_id})
    inv = c.v1.invoices.pay(inv.id)
    pi = c.v1.payment_intents.retrieve(str(inv.to_dict()["payment_intent"])).to_dict()
    data = urllib.parse.urlencode({"client_secret": pi["client_secret"], "success": "false"}).encode()
    req = urllib.request.Request(f"{settings.STRIPE_API_BASE}/v1/payment_intents/{pi['id']}/_authenticate", data=data,
                                 headers={"Authorization": f"Bearer {settings.STRIPE_API_KEY}"})
    urllib.request.urlopen(req, timeout=5).read()
    return c.v1.invoices.retrieve(inv.id).to_dict()


def retry_invoice(invoice_id: str) -> dict[str, Any]:
    return client().v1.invoices.pay(invoice_id).to_dict()


def subscription(subscription_id: str) -> dict[str, Any]:
    return client().v1.subscriptions.retrieve(subscription_id).to_dict()


def force_quantity(subscription_id: str, item_id: str, quantity: int) -> None:
    """Someone changed the quantity in the Stripe dashboard: drift."""
    client().v1.subscriptions.update(subscription_id, params={"items": [{"id": item_id, "quantity": quantity}]})


def register_webhook(name: str, url: str, secret: str) -> None:
    data = urllib.parse.urlencode({"url": url, "secret": secret}).encode()
    urllib.request.urlopen(f"{settings.STRIPE_API_BASE}/_config/webhooks/{name}", data=data, timeout=5).read()


def sign(payload: bytes, *, secret: str | None = None, at: int | None = None) -> str:
    """A Stripe-Signature header for `payload`, signed `at` (default now)."""
    t = int(time.time()) if at is None else at
    mac = hmac.new((secret or settings.STRIPE_WEBHOOK_SECRET).encode(), f"{t}.".encode() + payload, hashlib.sha256)
    return f"t={t},v1={mac.hexdigest()}"


def event(event_type: str, obj: dict[str, Any], *, created: int | None = None, event_id: str | None = None) -> bytes:
    """A Stripe event body as Stripe would send it."""
    created = int(time.time()) if created is None else created
    body = {"id": event_id or f"evt_test_{time.time_ns()}", "object": "event", "type": event_type,
            "created": created, "data": {"object": obj}, "api_version": "2026-10-28"}
    return json.dumps(body).encode()
