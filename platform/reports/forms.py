"""The reports' filter form (GET): a range of whole local days and optionally a store, supplier, distributor or
category. A bad range is refused with a clear message and nothing is computed."""

from datetime import date, datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from parties.models import Distributor, Store, Supplier
from reports.selectors import GROUPS, Filters

Category = get_model("catalogue", "Category")
EARLIEST = date(2000, 1, 1)
MAX_DAYS = 366
DEFAULT_DAYS = 30


class CategoryChoice(forms.ModelChoiceField):
    """Labels from the tree depth (no query per category, unlike oscar's full_name)."""

    def label_from_instance(self, obj):
        return "— " * (obj.depth - 1) + obj.name


def _date_field(label):
    return forms.DateField(label=label, required=False,
                           widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
                           error_messages={"invalid": _("Enter a date, such as 2026-05-01.")})


def _select(queryset, label, kind=forms.ModelChoiceField):
    return kind(queryset=queryset, required=False, label=label, empty_label=_("All"),
                widget=forms.Select(attrs={"class": "form-control"}))


class PeriodForm(forms.Form):
    """A range of whole local days: 30 days to today by default; reversed, over 366 days, before 2000 or beyond
    today is refused with a message (the pages then compute nothing)."""

    start = _date_field(_("From"))
    end = _date_field(_("To"))

    def __init__(self, data=None, *, today: date | None = None, **kwargs):
        self.today = today or timezone.localdate()
        super().__init__(data, **kwargs)

    def default_range(self) -> tuple[date, date]:
        return self.today - timedelta(days=DEFAULT_DAYS - 1), self.today

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        first, last = self.default_range()
        start = data.get("start") or (data.get("end") - timedelta(days=DEFAULT_DAYS - 1) if data.get("end")
                                      else first)
        end = data.get("end") or (min(start + timedelta(days=DEFAULT_DAYS - 1), self.today) if data.get("start")
                                  else last)
        if start < EARLIEST or end < EARLIEST:
            raise forms.ValidationError(_("Choose dates from 2000-01-01 on."), code="too_early")
        if end > self.today or start > self.today:
            raise forms.ValidationError(_("The range cannot go beyond today (%(today)s).")
                                        % {"today": self.today.isoformat()}, code="future")
        if end < start:
            raise forms.ValidationError(_("The range ends (%(end)s) before it starts (%(start)s).")
                                        % {"start": start.isoformat(), "end": end.isoformat()}, code="reversed")
        if (end - start).days + 1 > MAX_DAYS:
            raise forms.ValidationError(_("Choose a range of at most %(days)d days.") % {"days": MAX_DAYS},
                                        code="too_long")
        data["start"], data["end"] = start, end
        return data

    def bounds(self) -> tuple[datetime, datetime]:
        """[first day 00:00, day after the last 00:00) in the current time zone (call after is_valid())."""
        zone = timezone.get_current_timezone()
        start, end = self.cleaned_data["start"], self.cleaned_data["end"]
        return (datetime.combine(start, time.min, tzinfo=zone),
                datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone))


class ReportFilterForm(PeriodForm):
    store = _select(Store.objects.order_by("name"), _("Store"))
    supplier = _select(Supplier.objects.order_by("name"), _("Supplier"))
    distributor = _select(Distributor.objects.order_by("name"), _("Distributor"))
    category = _select(Category.objects.order_by("path"), _("Category (with its subcategories)"), CategoryChoice)

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(start=data["start"], end=data["end"], store=data.get("store"), supplier=data.get("supplier"),
                       distributor=data.get("distributor"), category=data.get("category"))


def group_by(value: str | None) -> str:
    """The contribution report's grouping: store (default), supplier or distributor."""
    return value if value in GROUPS else "store"
