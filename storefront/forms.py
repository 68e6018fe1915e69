"""Shopper forms: add to basket, change a quantity, a coupon code, and the one-page checkout."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

Country = get_model("address", "Country")
ShippingAddress = get_model("order", "ShippingAddress")


class AddToBasketForm(forms.Form):
    product = forms.IntegerField(widget=forms.HiddenInput)
    quantity = forms.IntegerField(label=_("Quantity"), initial=1, min_value=1, max_value=999)


class LineQuantityForm(forms.Form):
    quantity = forms.IntegerField(label=_("Quantity"), min_value=0, max_value=999)


class VoucherForm(forms.Form):
    code = forms.CharField(label=_("Coupon code"), max_length=128)


class CheckoutForm(forms.Form):
    """Who gets the order and where; how to pay (and how many points to use, for a signed-in shopper who has some).
    A guest gives an e-mail address for the confirmation."""

    email = forms.EmailField(label=_("E-mail"), required=False)
    name = forms.CharField(label=_("Recipient"), max_length=255)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    line1 = forms.CharField(label=_("Address"), max_length=255)
    line2 = forms.CharField(label=_("Address line 2"), max_length=255, required=False)
    city = forms.CharField(label=_("City"), max_length=255)
    postcode = forms.CharField(label=_("Postcode"), max_length=64, required=False)
    country = forms.ModelChoiceField(label=_("Country or region"), empty_label=None,
                                     queryset=Country.objects.filter(is_shipping_country=True)
                                     .order_by("-display_order", "printable_name"))
    payment_method = forms.ChoiceField(label=_("Payment"), widget=forms.RadioSelect)
    expected_total = forms.DecimalField(widget=forms.HiddenInput, required=False, max_digits=12, decimal_places=2)
    points = forms.IntegerField(label=_("Points to use"), required=False, min_value=0, initial=0)

    def __init__(self, *args, guest: bool, methods, points_limit: int | None = None, **kwargs):
        """`points_limit`: the most points the shopper may use (None or 0: no points field)."""
        super().__init__(*args, **kwargs)
        self.guest = guest
        if guest or not points_limit:
            del self.fields["points"]
        else:
            self.fields["points"].help_text = _("Up to %(limit)s points.") % {"limit": points_limit}
        self.fields["payment_method"].choices = [(method.code, method.label) for method in methods]
        if methods:
            self.fields["payment_method"].initial = methods[0].code
        if guest:
            self.fields["email"].required = True
        else:
            del self.fields["email"]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        first, _space, last = data["name"].strip().partition(" ")
        address = ShippingAddress(first_name=first, last_name=last, line1=data["line1"], line2=data["line2"],
                                  line4=data["city"], postcode=data["postcode"], country=data["country"],
                                  phone_number=data["phone"] or "")
        try:
            address.clean()
        except ValidationError as error:
            raise ValidationError(error.messages) from error
        data["address"] = address
        data["points"] = data.get("points") or 0
        return data
