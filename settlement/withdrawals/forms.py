"""Forms of the withdrawal pages: what a party asks for, where its money goes, what the operator records."""

from django import forms
from django.utils.translation import gettext_lazy as _

from settlement.withdrawals.models import PayoutAccount


class RequestForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount to withdraw"), max_digits=12, decimal_places=2, min_value=0,
                                widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}))


class PayoutAccountForm(forms.ModelForm):
    class Meta:
        model = PayoutAccount
        fields = ["stripe_account_id", "bank_holder", "bank_account"]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=255,
                             widget=forms.TextInput(attrs={"class": "form-control"}))


class ReferenceForm(forms.Form):
    reference = forms.CharField(label=_("Bank transfer reference"), max_length=128,
                                widget=forms.TextInput(attrs={"class": "form-control"}))
