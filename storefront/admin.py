"""Operator tools in Django admin: a store's own domain and its delivery rule."""

from django.contrib import admin

from storefront.models import ShippingRule, StoreDomain


@admin.register(StoreDomain)
class StoreDomainAdmin(admin.ModelAdmin):
    list_display = ("host", "store")
    search_fields = ("host", "store__name", "store__slug")
    autocomplete_fields = ()

    def save_model(self, request, obj, form, change):
        obj.host = obj.host.strip().lower()
        super().save_model(request, obj, form, change)


@admin.register(ShippingRule)
class ShippingRuleAdmin(admin.ModelAdmin):
    list_display = ("store", "flat_rate", "free_over", "updated_at")
    search_fields = ("store__name", "store__slug")
