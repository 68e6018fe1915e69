"""Payments, refunds and Stripe events in Django admin: read-only (changes go through payments.services)."""

from django.contrib import admin

from payments.models import Payment, Refund, StripeEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RefundInline(admin.TabularInline):
    model = Refund
    extra = 0
    fields = ["key", "amount", "status", "reason", "reference", "created_by", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["pk", "order", "method", "amount", "currency", "status", "amount_refunded", "duplicate",
                    "reference", "paid_at", "created_at"]
    list_filter = ["status", "method", "duplicate"]
    search_fields = ["order__number", "reference"]
    list_select_related = ["order"]
    exclude = ["client_secret"]
    inlines = [RefundInline]


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ["key", "payment", "amount", "status", "reference", "created_by", "created_at"]
    list_filter = ["status"]
    search_fields = ["key", "reference", "payment__order__number"]
    list_select_related = ["payment__order"]


@admin.register(StripeEvent)
class StripeEventAdmin(ReadOnlyAdmin):
    list_display = ["event_id", "type", "outcome", "received_at", "processed_at"]
    list_filter = ["type"]
    search_fields = ["event_id", "outcome"]
