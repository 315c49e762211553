"""POST /billing/webhook/: Stripe's only way in. Signature checked by the service; no session, no CSRF."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .errors import WebhookSignatureInvalid
from .services import webhook_event_receive


@csrf_exempt
@require_POST
def billing_webhook(request: HttpRequest) -> HttpResponse:
    try:
        row, created = webhook_event_receive(payload=request.body,
                                             signature=request.headers.get("Stripe-Signature", ""))
    except WebhookSignatureInvalid as exc:
        return JsonResponse({"detail": exc.message}, status=400)
    return JsonResponse({"received": True, "duplicate": not created, "id": row.stripe_event_id})
