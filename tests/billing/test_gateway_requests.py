"""Stripe calls localstripe does not have: the exact request the gateway sends, recorded by a local server."""

from __future__ import annotations

from typing import Any

from django.test import override_settings

from billing import gateway

from .conftest import Recorder


def test_the_customer_portal_link_is_requested_for_the_groups_customer(stripe_recorder: Recorder) -> None:
    stripe_recorder.replies["/v1/billing_portal/sessions"] = {"id": "bps_1", "object": "billing_portal.session",
                                                             "url": "https://billing.stripe.com/p/session/x"}
    url = gateway.portal_session_create(customer_id="cus_123", return_url="https://chezhu.cn/hq/billing/")
    assert url == "https://billing.stripe.com/p/session/x"
    [req] = stripe_recorder.requests
    assert req["path"] == "/v1/billing_portal/sessions"
    assert req["form"] == {"customer": "cus_123", "return_url": "https://chezhu.cn/hq/billing/"}
    assert req["headers"]["Authorization"].startswith("Bearer sk_")


def test_checkout_in_setup_mode_collects_a_new_card(stripe_recorder: Recorder) -> None:
    stripe_recorder.replies["/v1/checkout/sessions"] = {"id": "cs_1", "object": "checkout.session",
                                                       "url": "https://checkout.stripe.com/c/pay/cs_1"}
    url = gateway.checkout_setup_session_create(customer_id="cus_9", success_url="https://a/ok",
                                                cancel_url="https://a/no")
    assert url.endswith("cs_1")
    [req] = stripe_recorder.requests
    assert req["path"] == "/v1/checkout/sessions"
    assert req["form"] == {"mode": "setup", "customer": "cus_9", "currency": "cny",
                           "payment_method_types[0]": "card", "success_url": "https://a/ok",
                           "cancel_url": "https://a/no"}


@override_settings(BILLING_STRIPE_SEND_PRORATION_BEHAVIOR=True)
def test_production_quantity_changes_ask_for_prorations(stripe_recorder: Recorder) -> None:
    stripe_recorder.replies["/v1/subscriptions/sub_1"] = {"id": "sub_1", "object": "subscription"}
    gateway.subscription_update_item(subscription_id="sub_1", item_id="si_1", quantity=4,
                                     plan_id="chezhu_professional_year")
    [req] = stripe_recorder.requests
    assert req["path"] == "/v1/subscriptions/sub_1"
    assert req["form"] == {"items[0][id]": "si_1", "items[0][quantity]": "4",
                           "items[0][plan]": "chezhu_professional_year", "proration_behavior": "create_prorations"}


def test_the_customer_is_created_with_an_idempotency_key(stripe_recorder: Recorder) -> None:
    stripe_recorder.replies["/v1/customers"] = {"id": "cus_new", "object": "customer"}
    gateway.customer_create(name="集团X", email="", group_id=7, idempotency_key="chezhu-group-7-customer")
    [req] = stripe_recorder.requests
    assert req["form"] == {"name": "集团X", "metadata[group_id]": "7"}
    assert req["headers"]["Idempotency-Key"] == "chezhu-group-7-customer"


def test_stripe_unreachable_becomes_a_friendly_error(settings: Any) -> None:
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"
    settings.STRIPE_MAX_NETWORK_RETRIES = 0
    from billing.errors import PaymentProviderUnavailable

    try:
        gateway.invoice_list(customer_id="cus_1")
    except PaymentProviderUnavailable as exc:
        assert exc.status == 503 and "稍后再试" in exc.message
    else:
        raise AssertionError("expected PaymentProviderUnavailable")
