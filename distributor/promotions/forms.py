"""Promotion forms: parse what was typed into a `PromotionInput`. Every rule (dates, percentages, amounts, code,
what the distributor may pick) is `promotion_create`'s call, so its messages are the only ones."""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from distributor.promotions import selectors, services

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
MONEY_INPUT = forms.TextInput(attrs={"inputmode": "decimal", "size": 8})


def _money(label, required=True, help_text=""):
    return forms.DecimalField(label=label, required=required, max_digits=14, widget=MONEY_INPUT, help_text=help_text,
                              error_messages={"invalid": _("Enter a number, e.g. 300 or 29.90.")})


class PromotionForm(forms.Form):
    kind = ""
    name = forms.CharField(label=_("Name shoppers see"), max_length=200,
                           widget=forms.TextInput(attrs={"maxlength": services.NAME_MAX}))
    start = forms.DateTimeField(label=_("Starts"), widget=DATETIME_INPUT,
                                error_messages={"invalid": _("Enter a date and time, e.g. 2025-06-01 09:00.")})
    end = forms.DateTimeField(label=_("Ends"), widget=DATETIME_INPUT,
                              error_messages={"invalid": _("Enter a date and time, e.g. 2025-06-30 23:59.")})

    def __init__(self, *args, scope=None, categories=(), **kwargs):
        now = timezone.localtime().replace(second=0, microsecond=0)
        kwargs.setdefault("initial", {"start": now, "end": now + timedelta(days=30)})
        super().__init__(*args, **kwargs)
        self.scope = scope
        self.categories = categories

    def figures(self) -> dict:
        return {}

    def to_input(self) -> services.PromotionInput:
        data = self.cleaned_data
        return services.PromotionInput(kind=self.kind, name=data["name"], start=data["start"], end=data["end"],
                                       **self.figures())


class PercentageForm(PromotionForm):
    kind = selectors.KIND_PERCENTAGE
    percent = forms.DecimalField(label=_("Percentage off"), max_digits=6,
                                 widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 5}),
                                 error_messages={"invalid": _("Enter a number between 1 and 100.")})
    categories = forms.TypedMultipleChoiceField(label=_("Only these categories"), coerce=int, required=False,
                                                widget=forms.CheckboxSelectMultiple)
    products = forms.TypedMultipleChoiceField(label=_("Only these products"), coerce=int, required=False,
                                              widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].choices = [(category.pk, path) for path, category in self.categories]
        self.fields["products"].choices = [(product.pk, product.title)
                                           for product in selectors.listed_products(scope=self.scope)]

    def figures(self) -> dict:
        data = self.cleaned_data
        return {"percent": data["percent"], "category_ids": tuple(data["categories"]),
                "product_ids": tuple(data["products"])}


class SpendSaveForm(PromotionForm):
    kind = selectors.KIND_SPEND
    threshold = _money(_("Spend at least (¥)"))
    amount = _money(_("Amount off (¥)"))

    def figures(self) -> dict:
        return {"threshold": self.cleaned_data["threshold"], "amount": self.cleaned_data["amount"]}


class GiftForm(PromotionForm):
    kind = selectors.KIND_GIFT
    threshold = _money(_("Spend at least (¥)"))
    gift = forms.TypedChoiceField(label=_("Gift"), coerce=int,
                                  error_messages={"required": _("Choose the gift."),
                                                  "invalid_choice": _("Choose a gift listed in your stores.")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gift"].choices = [("", _("Choose a gift"))] + selectors.listed_skus(scope=self.scope)

    def figures(self) -> dict:
        return {"threshold": self.cleaned_data["threshold"], "gift_product_id": self.cleaned_data["gift"]}


class CouponForm(PromotionForm):
    kind = selectors.KIND_COUPON
    code = forms.CharField(label=_("Code"), max_length=64,
                           widget=forms.TextInput(attrs={"autocapitalize": "characters", "size": 16}))
    coupon_discount = forms.ChoiceField(
        label=_("Discount"), widget=forms.RadioSelect, initial=services.COUPON_PERCENTAGE,
        choices=[(services.COUPON_PERCENTAGE, _("Percentage off")), (services.COUPON_AMOUNT, _("Amount off"))])
    percent = forms.DecimalField(label=_("Percentage off"), max_digits=6, required=False,
                                 widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 5}),
                                 error_messages={"invalid": _("Enter a number between 1 and 100.")})
    amount = _money(_("Amount off (¥)"), required=False)
    threshold = _money(_("Minimum spend (¥), optional"), required=False)
    usage = forms.ChoiceField(label=_("Who may use it"), widget=forms.RadioSelect, initial=services.USAGE_MULTI,
                              choices=[(services.USAGE_MULTI, _("Anyone, any number of times")),
                                       (services.USAGE_ONCE_PER_CUSTOMER, _("Once per customer")),
                                       (services.USAGE_SINGLE, _("Once only (the first order to use it)"))])
    max_uses = forms.IntegerField(label=_("At most this many orders in total, optional"), required=False,
                                  widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 6}),
                                  error_messages={"invalid": _("Enter a whole number, or leave it empty.")})

    def figures(self) -> dict:
        data = self.cleaned_data
        percentage = data["coupon_discount"] == services.COUPON_PERCENTAGE
        return {"code": data["code"], "coupon_discount": data["coupon_discount"], "usage": data["usage"],
                "percent": data["percent"] if percentage else None,
                "amount": None if percentage else data["amount"],
                "threshold": data["threshold"], "max_uses": data["max_uses"]}


FORMS = {form.kind: form for form in (PercentageForm, SpendSaveForm, GiftForm, CouponForm)}


class PauseForm(forms.Form):
    paused = forms.ChoiceField(choices=[("on", _("Pause")), ("off", _("Resume"))],
                               error_messages={"required": _("Choose pause or resume."),
                                               "invalid_choice": _("Choose pause or resume.")})
