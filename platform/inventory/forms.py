"""Forms of the stock pages: receive, adjust to a count, threshold. Thin: the services check the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

_NUMBER = {"inputmode": "numeric", "pattern": "[0-9]*", "autocomplete": "off"}


class ReceiveForm(forms.Form):
    units = forms.IntegerField(label=_("Units received"), min_value=1, widget=forms.NumberInput(attrs=_NUMBER))
    reason = forms.CharField(label=_("Reason"), max_length=255, required=False,
                             widget=forms.TextInput(attrs={"placeholder": _("Delivery note, supplier…")}))


class AdjustForm(forms.Form):
    counted = forms.IntegerField(label=_("Counted on hand"), min_value=0, widget=forms.NumberInput(attrs=_NUMBER),
                                 error_messages={"min_value": _("A count cannot be negative.")})
    reason = forms.CharField(label=_("Reason"), max_length=255,
                             widget=forms.TextInput(attrs={"placeholder": _("Damaged, found, miscounted…")}),
                             error_messages={"required": _("Say why the stock is adjusted.")})


class ThresholdForm(forms.Form):
    threshold = forms.IntegerField(label=_("Low-stock threshold"), min_value=0, required=False,
                                   widget=forms.NumberInput(attrs=_NUMBER),
                                   help_text=_("Alert when available units fall to this number; empty: no alert."))


ACTION_FORMS = {"receive": ReceiveForm, "adjust": AdjustForm, "threshold": ThresholdForm}
