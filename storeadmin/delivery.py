"""The store's delivery and returns page: owners and managers set the flat rate, the free-delivery threshold
and the return window."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView

from siteconfig.selectors import setting_value
from storeadmin.managers import ManagerFormMixin
from storeadmin.views import StoreAdminPortalMixin
from storefront.models import ShippingRule
from storefront.returns.services import return_window_set
from storefront.services import shipping_rule_set


class DeliveryForm(forms.Form):
    flat_rate = forms.DecimalField(label=_("Delivery charge per order"), min_value=0, max_digits=10,
                                   decimal_places=2)
    free_over = forms.DecimalField(label=_("Free delivery from (items total)"), required=False, min_value=0,
                                   max_digits=10, decimal_places=2,
                                   help_text=_("Leave empty if delivery is never free."))
    return_window_days = forms.IntegerField(label=_("Return window (days after delivery)"), required=False,
                                            min_value=0, max_value=365,
                                            help_text=_("Leave empty for the marketplace default (%(days)s days)."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["return_window_days"]
        field.help_text = field.help_text % {"days": setting_value(key="return_window_days")}


class DeliveryView(StoreAdminPortalMixin, ManagerFormMixin, FormView):
    refusal = _("Only the store's owner or a manager can change delivery charges.")
    template_name = "storeadmin/delivery.html"
    form_class = DeliveryForm

    def get_initial(self):
        rule = ShippingRule.objects.filter(store=self.membership.store).first()
        return {"flat_rate": rule.flat_rate if rule else 0, "free_over": rule.free_over if rule else None,
                "return_window_days": self.membership.store.return_window_days}

    def save(self, form):
        store = self.membership.store
        try:
            with transaction.atomic():
                shipping_rule_set(store=store, flat_rate=form.cleaned_data["flat_rate"],
                                  free_over=form.cleaned_data["free_over"], actor=self.request.user)
                return_window_set(store=store, days=form.cleaned_data["return_window_days"],
                                  actor=self.request.user)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Delivery charges saved."))
        return redirect("storeadmin:delivery")
