"""Forms of the reconciliation pages: a report file, a period to fetch from Stripe, a resolution note."""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_FILE_BYTES = 20 * 1024 * 1024


class ReportUploadForm(forms.Form):
    file = forms.FileField(label=_("Settlement report (CSV)"),
                           help_text=_("Stripe's itemized balance change report, amounts in major units."),
                           widget=forms.ClearableFileInput(attrs={"class": "form-control-file", "accept": ".csv"}))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB: import a shorter period."))
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        return upload


class StripeFetchForm(forms.Form):
    since = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}))
    until = forms.DateField(label=_("Until (inclusive)"),
                            widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}))

    def __init__(self, *args, **kwargs):
        today = timezone.now().date()
        kwargs.setdefault("initial", {"since": today - timedelta(days=7), "until": today})
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["until"] < data["since"]:
            raise forms.ValidationError(_("The period must end on or after the day it starts."))
        return data


class ResolveForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=2000,
                           widget=forms.Textarea(attrs={"class": "form-control", "rows": 2,
                                                        "placeholder": _("Why the difference is accepted, or what "
                                                                         "was done")}))
