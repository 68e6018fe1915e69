"""Forms of the operator's distribution pages: they parse input; distributor.services enforces the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from distributor.models import BonusBasis
from parties.models import Distributor

DATETIME_INPUT = "%Y-%m-%dT%H:%M"


def _datetime_field(**kwargs) -> forms.DateTimeField:
    return forms.DateTimeField(
        input_formats=[DATETIME_INPUT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_INPUT),
        error_messages={"invalid": _("Enter a date and time, such as 2026-05-01 09:00.")}, **kwargs)


def _decimal_field(label, **kwargs) -> forms.DecimalField:
    return forms.DecimalField(label=label, error_messages={
        "invalid": _("Enter a number, such as 30 or 12.5."),
        "max_digits": _("That number is too large."),
        "max_decimal_places": _("At most two decimals."),
        "min_value": _("Enter zero or more."),
    }, **kwargs)


class PriceCeilingForm(forms.Form):
    max_over_suggested_percent = _decimal_field(
        _("Ceiling: at most this many percent over the suggested retail price"), min_value=0, max_digits=6,
        decimal_places=2,
        help_text=_("0 means no listing may ask more than the suggested retail price. Every listing is checked "
                    "at once: prices above the new ceiling are flagged and hidden from shoppers."))


class BonusRulesForm(forms.Form):
    """A new version of the team bonus rules."""

    levels = forms.TypedChoiceField(label=_("Levels paid"), coerce=int, initial=3,
                                    choices=[(n, str(n)) for n in range(4)],
                                    help_text=_("How many levels up the team earn from a sale (0: no bonuses)."))
    basis = forms.ChoiceField(label=_("Bonus is a share of"), choices=BonusBasis.choices,
                              initial=BonusBasis.MARGIN)
    level_1_percent = _decimal_field(_("Level 1 % (the seller's direct upline)"), max_digits=5, decimal_places=2,
                                     initial=0)
    level_2_percent = _decimal_field(_("Level 2 %"), max_digits=5, decimal_places=2, initial=0)
    level_3_percent = _decimal_field(_("Level 3 %"), max_digits=5, decimal_places=2, initial=0)
    min_monthly_sales = _decimal_field(
        _("Eligibility: minimum own sales in the month"), max_digits=12, decimal_places=2, initial=0,
        help_text=_("An upline member who sold less than this in the month of the sale earns nothing from it."))
    effective_from = _datetime_field(
        label=_("In force from"), required=False,
        help_text=_("Leave empty for now. Rules cannot start in the past, nor before the latest version."))


class BonusPreviewForm(forms.Form):
    """What one sale would pay up the team (read only; sent with GET)."""

    distributor = forms.ModelChoiceField(label=_("Selling distributor"), queryset=Distributor.objects.none(),
                                         error_messages={"invalid_choice": _("Choose one of the distributors.")})
    sale = _decimal_field(_("Sale amount"), min_value=0, max_digits=12, decimal_places=2)
    margin = _decimal_field(_("Seller's margin on it"), max_digits=12, decimal_places=2)
    at = _datetime_field(label=_("Placed at"), required=False,
                         help_text=_("Leave empty for now; the rules in force at that moment apply."))

    def __init__(self, *args, distributors=None, **kwargs):
        super().__init__(*args, **kwargs)
        if distributors is not None:
            self.fields["distributor"].queryset = distributors
