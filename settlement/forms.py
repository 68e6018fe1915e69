"""Forms of the operator's finance pages: they parse input; settlement.rules enforces the rules."""

from datetime import date
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from parties.models import Plan
from settlement.models import FeeBearer

Category = get_model("catalogue", "Category")
DATETIME_INPUT = "%Y-%m-%dT%H:%M"
PERCENT = Decimal("100")


def _datetime_field(**kwargs) -> forms.DateTimeField:
    return forms.DateTimeField(
        input_formats=[DATETIME_INPUT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_INPUT),
        error_messages={"invalid": _("Enter a date and time, such as 2026-05-01 09:00.")}, **kwargs)


def _decimal(label, *, max_digits=5, decimal_places=2, min_value=0, max_value=None, **kwargs) -> forms.DecimalField:
    return forms.DecimalField(label=label, max_digits=max_digits, decimal_places=decimal_places, min_value=min_value,
                              max_value=max_value, error_messages={
                                  "invalid": _("Enter a number, such as 5 or 2.5."),
                                  "max_digits": _("That number is too large."),
                                  "max_decimal_places": _("At most two decimals."),
                                  "min_value": _("Enter zero or more."),
                                  "max_value": _("Enter at most %(limit_value)s."),
                              }, **kwargs)


def _rate(label, **kwargs):
    return _decimal(label, max_value=Decimal("50"), **kwargs)


def _share(label, **kwargs):
    return forms.IntegerField(label=label, min_value=0, max_value=100, error_messages={
        "invalid": _("Enter a whole number from 0 to 100."),
        "min_value": _("Enter a whole number from 0 to 100."),
        "max_value": _("Enter a whole number from 0 to 100.")}, **kwargs)


class CommissionRuleSetForm(forms.Form):
    """A new version of the commission rules (rates in per cent here, stored as a fraction)."""

    effective_from = _datetime_field(
        label=_("In force from"), required=False,
        help_text=_("Leave empty for now. Rules cannot start in the past, nor before the latest version."))
    default_rate = _rate(_("Default commission rate %"), initial=Decimal("5.00"),
                         help_text=_("When no rule below matches. From 0 to 50."))
    default_supplier_share = _share(_("Default supplier's share of the commission %"), initial=0,
                                    help_text=_("0: the distributor bears it all; 100: the supplier does."))
    gateway_fee_percent = _decimal(_("Card fee %"), initial=Decimal("2.90"), max_value=Decimal("100"))
    gateway_fee_fixed = _decimal(_("Card fee per payment"), max_digits=8, initial=Decimal("0.30"))
    gateway_fee_bearer = forms.ChoiceField(label=_("Card fee borne by"), choices=FeeBearer.choices,
                                           initial=FeeBearer.PLATFORM)
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    def cleaned_rate(self) -> Decimal:
        return (self.cleaned_data["default_rate"] / PERCENT).quantize(Decimal("0.0001"))


class CommissionRuleForm(forms.Form):
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none(), required=False,
                                      empty_label=_("any category"))
    plan = forms.ModelChoiceField(label=_("Store level"), queryset=Plan.objects.none(), required=False,
                                  empty_label=_("any level"))
    rate = _rate(_("Rate %"), required=False)
    supplier_share = _share(_("Supplier's share %"), required=False, help_text=_("Empty: 0."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.order_by("path")
        self.fields["category"].label_from_instance = lambda c: c.full_name
        self.fields["plan"].queryset = Plan.objects.order_by("pk")

    def clean(self):
        data = super().clean()
        if not self.has_changed() or data.get("DELETE"):
            return data
        if data.get("category") is None and data.get("plan") is None:
            raise forms.ValidationError(_("Choose a category, a store level or both."))
        if data.get("rate") is None and "rate" not in self.errors:
            self.add_error("rate", _("Enter the rate."))
        if data.get("supplier_share") is None:
            data["supplier_share"] = 0
        return data


class BaseRuleFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        seen = {}
        for form in self.forms:
            if not form.has_changed() or form.cleaned_data.get("DELETE"):
                continue
            pair = (form.cleaned_data.get("category"), form.cleaned_data.get("plan"))
            if pair in seen:
                category, plan = pair
                raise forms.ValidationError(
                    _("Two rules for the same category and store level (%(category)s · %(plan)s): keep one.")
                    % {"category": category.full_name if category else _("any category"),
                       "plan": plan or _("any level")})
            seen[pair] = form

    def rules(self) -> list[dict]:
        return [{"category": f.cleaned_data["category"], "plan": f.cleaned_data["plan"],
                 "rate": (f.cleaned_data["rate"] / PERCENT).quantize(Decimal("0.0001")),
                 "supplier_share": f.cleaned_data["supplier_share"] or 0}
                for f in self.forms if f.has_changed() and not f.cleaned_data.get("DELETE")]


RuleFormSet = forms.formset_factory(CommissionRuleForm, formset=BaseRuleFormSet, extra=4, max_num=200,
                                    validate_max=True)


class PreviewForm(forms.Form):
    """Which order (and optionally which line) to preview; sent with GET."""

    number = forms.CharField(label=_("Order number"), max_length=128)
    line = forms.IntegerField(label=_("Line (optional)"), required=False, min_value=1)


class PeriodForm(forms.Form):
    """The overview's period; bad or reversed dates fall back to this month with a message."""

    start = forms.DateField(label=_("From"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                            error_messages={"invalid": _("Enter a date, such as 2026-05-01.")})
    end = forms.DateField(label=_("To"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                          error_messages={"invalid": _("Enter a date, such as 2026-05-31.")})

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            raise forms.ValidationError(_("The period ends before it starts."))
        if start and end and (end - start).days > 366 * 3:
            raise forms.ValidationError(_("Choose a period of at most three years."))
        return data


def month_bounds(today: date) -> tuple[date, date]:
    start = today.replace(day=1)
    following = (start.replace(year=start.year + 1, month=1) if start.month == 12
                 else start.replace(month=start.month + 1))
    return start, following.fromordinal(following.toordinal() - 1)
