"""Distributor portal forms: parse what was typed; every business rule (price band, decimals, who owns which
store, what is in the market) is the listing and team services' call, so their messages are the only ones."""

from django import forms
from django.utils.translation import gettext_lazy as _

from distributor.models import PriceRule

SORT_CHOICES = [
    ("newest", _("Newest in the market")),
    ("margin", _("Margin, highest first")),
    ("stock", _("Stock, highest first")),
]
STATE_CHOICES = [("active", _("Active")), ("paused", _("Paused")), ("flagged", _("Flagged: price out of band"))]


class MarketFilterForm(forms.Form):
    q = forms.CharField(required=False)
    category = forms.CharField(required=False)
    supplier = forms.IntegerField(required=False)
    min_margin = forms.DecimalField(label=_("Min. margin"), required=False, min_value=0, max_digits=12)
    min_stock = forms.IntegerField(label=_("Min. stock"), required=False, min_value=0)
    sort = forms.ChoiceField(required=False, choices=[("", "")] + SORT_CHOICES)

    def values(self) -> dict:
        """The filters that parsed (a mistyped one is left out, with its error shown next to it)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) for name in self.fields if name not in self.errors}


class PriceRuleFields(forms.Form):
    """The rule and its figure. Decimals are not limited here: the pricing rules say what is wrong with them."""

    rule = forms.ChoiceField(label=_("Price"), choices=PriceRule.choices, initial=PriceRule.SUGGESTED,
                             widget=forms.RadioSelect)
    fixed_price = forms.DecimalField(label=_("Fixed price"), required=False, max_digits=14,
                                     widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 8}))
    markup_percent = forms.DecimalField(label=_("Markup over wholesale, in percent"), required=False, max_digits=10,
                                        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6}))

    def rule_kwargs(self) -> dict:
        """What `listings_save` takes: only the figure the chosen rule uses."""
        data = self.cleaned_data
        rule = data["rule"]
        return {"rule": rule,
                "fixed_price": data.get("fixed_price") if rule == PriceRule.FIXED else None,
                "markup_percent": data.get("markup_percent") if rule == PriceRule.MARKUP else None}


class StoreChoiceMixin:
    def set_stores(self, stores) -> None:
        self.fields["stores"].choices = [(store.pk, str(store)) for store in stores]


class ListInStoresForm(StoreChoiceMixin, PriceRuleFields):
    """The market detail page's "List in my stores": SKUs of this product × the distributor's stores × a rule."""

    records = forms.TypedMultipleChoiceField(label=_("SKUs"), coerce=int, widget=forms.CheckboxSelectMultiple,
                                             error_messages={"required": _("Choose at least one SKU.")})
    stores = forms.TypedMultipleChoiceField(label=_("Stores"), coerce=int, widget=forms.CheckboxSelectMultiple,
                                            error_messages={"required": _("Choose at least one store.")})

    def __init__(self, *args, records, stores, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["records"].choices = [(record.pk, record.partner_sku) for record in records]
        self.fields["records"].initial = [record.pk for record in records]
        self.set_stores(stores)
        field_order = ["records", "stores", "rule", "fixed_price", "markup_percent"]
        self.order_fields(field_order)


class ListingEditForm(PriceRuleFields):
    pass


class CategoryListingForm(StoreChoiceMixin, forms.Form):
    """List every market SKU of a category (and its sub-categories) at one markup."""

    stores = forms.TypedMultipleChoiceField(label=_("Stores"), coerce=int, widget=forms.CheckboxSelectMultiple,
                                            error_messages={"required": _("Choose at least one store.")})
    category = forms.ChoiceField(label=_("Category"),
                                 error_messages={"required": _("Choose a category."),
                                                 "invalid_choice": _("Choose a category.")})
    markup_percent = forms.DecimalField(label=_("Markup over wholesale, in percent"), max_digits=10,
                                        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6}),
                                        error_messages={"required": _("Enter the markup percentage.")})

    def __init__(self, *args, stores, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_stores(stores)
        self.fields["category"].choices = [("", _("Choose a category"))] + [(path, path) for path in categories]


class ListingBulkForm(forms.Form):
    listings = forms.TypedMultipleChoiceField(coerce=int, error_messages={
        "required": _("Tick at least one listing first.")})
    action = forms.ChoiceField(choices=[("pause", _("Pause")), ("resume", _("Resume")), ("remove", _("Remove"))],
                               error_messages={"required": _("Choose what to do with the ticked listings."),
                                               "invalid_choice": _("Choose what to do with the ticked listings.")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any id parses; whether it is one of ours is the view's scoped lookup (a foreign id is a 404).
        self.fields["listings"].valid_value = lambda value: True


class PauseForm(forms.Form):
    paused = forms.ChoiceField(choices=[("on", _("Pause")), ("off", _("Resume"))],
                               error_messages={"required": _("Choose pause or resume."),
                                               "invalid_choice": _("Choose pause or resume.")})


class InvitationForm(forms.Form):
    note = forms.CharField(label=_("Who is it for? (a note for you)"), required=False, max_length=200)
