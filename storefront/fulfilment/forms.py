"""Fulfilment forms: parse what was typed; the services decide the rules (and explain refusals)."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ShipForm(forms.Form):
    """Carrier, tracking number, and one quantity per line (`qty_<fulfilment line id>`), defaulting to what is left."""

    carrier = forms.CharField(label=_("Carrier"), max_length=64, required=False,
                              widget=forms.TextInput(attrs={"autocomplete": "off"}))
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=64, required=False,
                                      widget=forms.TextInput(attrs={
                                          "autocomplete": "off", "autocapitalize": "characters",
                                          "spellcheck": "false"}))

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = [row for row in rows if row.remaining > 0]
        for row in self.rows:
            self.fields[f"qty_{row.fline.pk}"] = forms.IntegerField(
                label=row.fline.line.title, initial=row.remaining, required=False,
                widget=forms.NumberInput(attrs={"min": 0, "max": row.remaining, "inputmode": "numeric"}))

    def quantities(self) -> dict[int, int]:
        return {row.fline.pk: self.cleaned_data.get(f"qty_{row.fline.pk}") or 0 for row in self.rows
                if self.cleaned_data.get(f"qty_{row.fline.pk}") is not None}

    def line_fields(self):
        """(row, its quantity field) for the template."""
        return [(row, self[f"qty_{row.fline.pk}"]) for row in self.rows]


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Why is it cancelled?"), max_length=500, required=False,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Kept in the order's history; the stock goes back on sale at once."))
