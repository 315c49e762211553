"""Platform operators: every group's billing state, Stripe events and the audit trail."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import BillingAccount, BillingAuditLog, WebhookEvent
from .selectors import billable_store_count, payment_state


class AuditInline(admin.TabularInline):
    model = BillingAuditLog
    fields = ["at", "kind", "message", "actor", "stripe_event_id"]
    readonly_fields = ["at", "kind", "message", "actor", "stripe_event_id"]
    extra = 0
    can_delete = False
    ordering = ["-at"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(BillingAccount)
class BillingAccountAdmin(admin.ModelAdmin):
    list_display = ["group", "plan_code", "interval", "status", "quantity", "billable_stores", "access",
                    "payment_failed_at", "trial_ends_at", "current_period_end", "stripe_customer_id"]
    list_filter = ["status", "plan_code", "interval"]
    search_fields = ["group__name", "group__code", "stripe_customer_id", "stripe_subscription_id"]
    list_select_related = ["group"]
    readonly_fields = [f.name for f in BillingAccount._meta.fields]
    inlines = [AuditInline]

    @admin.display(description=_("计费门店（实际）"))
    def billable_stores(self, obj: BillingAccount) -> int:
        return billable_store_count(obj.group_id)

    @admin.display(description=_("访问"))
    def access(self, obj: BillingAccount) -> str:
        state = payment_state(obj)
        return str(_("只读") if state.read_only else _("宽限期") if state.in_grace else _("正常"))

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False


@admin.register(WebhookEvent)
class WebhookEventAdmin(admin.ModelAdmin):
    list_display = ["stripe_event_id", "type", "account", "received_at", "processed_at", "deliveries", "note"]
    list_filter = ["type", "processed_at"]
    search_fields = ["stripe_event_id", "note"]
    readonly_fields = [f.name for f in WebhookEvent._meta.fields]


@admin.register(BillingAuditLog)
class BillingAuditLogAdmin(admin.ModelAdmin):
    list_display = ["at", "account", "kind", "message", "actor"]
    list_filter = ["kind"]
    search_fields = ["account__group__name", "message"]
    readonly_fields = [f.name for f in BillingAuditLog._meta.fields]
