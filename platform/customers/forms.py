"""The merge form: the e-mail of the account to fold into the profile's account, and an explicit confirmation."""

from django import forms
from django.utils.translation import gettext_lazy as _


class MergeForm(forms.Form):
    email = forms.EmailField(label=_("E-mail of the account to merge into this one"), max_length=254,
                             widget=forms.EmailInput(attrs={"class": "form-control"}))
    confirm = forms.BooleanField(label=_("I checked that both accounts are the same person; this cannot be undone"),
                                 error_messages={"required": _("Tick the confirmation to merge the accounts.")})
