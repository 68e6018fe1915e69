"""Stocktake forms: parse what was typed or scanned; the services decide the rules (negative counts, unknown
SKUs, SKUs outside the count are refused there, with messages naming them)."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_SEPARATORS = re.compile(r"[\s,;]+")


def parse_codes(text: str) -> list[str]:
    """SKUs or barcodes separated by spaces, commas or new lines."""
    return [code for code in _SEPARATORS.split(text or "") if code]


def parse_bulk(text: str) -> list[tuple[str, int]]:
    """One "SKU quantity" per line (a space, tab, comma or semicolon between them) → [(SKU, units)]; a line
    without a whole number at its end is refused, naming the line."""
    items, problems = [], []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        parts = [part for part in _SEPARATORS.split(raw.strip()) if part]
        if not parts:
            continue
        if len(parts) != 2 or not re.fullmatch(r"[+-]?\d+", parts[1]):
            problems.append(_("line %(number)d (“%(text)s”)") % {"number": number, "text": raw.strip()[:40]})
            continue
        items.append((parts[0], int(parts[1])))
    if problems:
        raise ValidationError(_("Write one SKU and a whole number per line; check %(lines)s.")
                              % {"lines": ", ".join(str(problem) for problem in problems)})
    return items


class StartForm(forms.Form):
    location = forms.ModelChoiceField(label=_("Location"), queryset=None, empty_label=None)
    skus = forms.CharField(label=_("Only these SKUs or barcodes"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3, "autocapitalize": "characters"}),
                           help_text=_("Leave empty to count every SKU of the location."))
    bin_prefix = forms.CharField(label=_("Only bins starting with"), required=False, max_length=32,
                                 help_text=_("For example “A-” for aisle A."))

    def __init__(self, *args, locations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = locations

    def clean_skus(self) -> list[str]:
        return parse_codes(self.cleaned_data.get("skus", ""))


class ScanForm(forms.Form):
    code = forms.CharField(label=_("SKU or barcode"), max_length=128)
    quantity = forms.IntegerField(label=_("Units"), initial=1)


class BulkForm(forms.Form):
    lines = forms.CharField(label=_("Several counts, one “SKU quantity” per line"),
                            widget=forms.Textarea(attrs={"rows": 5, "autocapitalize": "characters"}))

    def clean_lines(self) -> list[tuple[str, int]]:
        return parse_bulk(self.cleaned_data.get("lines", ""))


class ApproveForm(forms.Form):
    uncounted_zero = forms.BooleanField(
        label=_("Uncounted means zero"), required=False,
        help_text=_("Tick to set every line nobody counted to 0 units; otherwise those lines are left as they are."))
