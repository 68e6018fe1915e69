"""Forms parse input for the services; the services enforce the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from onboarding.validators import LICENCE_CONTENT_TYPES, validate_licence_image, validate_phone
from parties.models import Plan


class LicenceImageField(forms.FileField):
    """A file that must be a readable image of at most 5 MB (size checked before Pillow reads it)."""

    def to_python(self, data):
        data = super().to_python(data)
        if data is not None:
            validate_licence_image(data)
        return data

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.FileInput) and "accept" not in widget.attrs:
            attrs["accept"] = ",".join(LICENCE_CONTENT_TYPES.values())
        return attrs


class ApplicationForm(forms.Form):
    company_name = forms.CharField(label=_("Company name"), max_length=128,
                                   widget=forms.TextInput(attrs={"autocomplete": "organization"}))
    company_name_zh = forms.CharField(label=_("Company name in Chinese (optional)"), max_length=128, required=False)
    contact_name = forms.CharField(label=_("Contact person"), max_length=128,
                                   widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(label=_("E-mail"), max_length=150,
                             help_text=_("Your sign-in name once approved; we send the decision here."),
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    phone = forms.CharField(label=_("Phone"), max_length=32, validators=[validate_phone],
                            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel",
                                                          "inputmode": "tel"}))
    licence_number = forms.CharField(label=_("Business licence number"), max_length=64)
    licence_image = LicenceImageField(label=_("Photo or scan of the business licence"),
                                      help_text=_("JPEG, PNG or WebP, at most 5 MB."))

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class DecisionForm(forms.Form):
    """Approve (with a plan) or reject (with a reason) an application."""

    plan = forms.ModelChoiceField(label=_("Plan"), queryset=Plan.objects.none(), required=False,
                                  empty_label=_("Default plan"))
    reason = forms.CharField(label=_("Reason for rejection (the applicant sees it)"), required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, plans=None, **kwargs):
        super().__init__(*args, **kwargs)
        if plans is not None:
            self.fields["plan"].queryset = plans


class PlanForm(forms.ModelForm):
    """The plan's fields; `is_default` is handled by the service (a new default replaces the old one)."""

    is_default = forms.BooleanField(label=_("Default plan for new and unassigned parties"), required=False)

    class Meta:
        model = Plan
        fields = ["code", "name", "name_zh", "max_products", "max_stores", "default_commission_rate"]


class PartyPlanForm(forms.Form):
    plan = forms.ModelChoiceField(label=_("Plan"), queryset=Plan.objects.none(), required=False,
                                  empty_label=_("Default plan"))

    def __init__(self, *args, plans=None, **kwargs):
        super().__init__(*args, **kwargs)
        if plans is not None:
            self.fields["plan"].queryset = plans

