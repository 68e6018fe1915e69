"""Return forms: parse what the shopper ticked and typed, and the store's decision; the services decide the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from storefront.returns.models import ReturnRequest
from storefront.returns.validators import PHOTO_CONTENT_TYPES


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos in one input, handed to the service as a list (it checks type, size and count)."""

    widget = MultiplePhotoInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("accept", PHOTO_CONTENT_TYPES)

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, list | tuple) else [data]
        return [super(PhotosField, self).clean(upload, initial) for upload in uploads if upload]


class ReturnRequestForm(forms.Form):
    """One tick box and quantity per returnable line (`qty_<line id>`), then kind, reason, note and photos."""

    kind = forms.ChoiceField(label=_("What do you want?"), choices=ReturnRequest.Kind.choices,
                             initial=ReturnRequest.Kind.RETURN, widget=forms.RadioSelect)
    reason = forms.ChoiceField(label=_("Reason"), choices=ReturnRequest.Reason.choices,
                               initial=ReturnRequest.Reason.NONE)
    note = forms.CharField(label=_("Note for the store"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))
    photos = PhotosField(label=_("Photos (optional)"), help_text=_("Up to 5 photos, JPEG, PNG or WebP, 5 MB each."))

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            if row.can_return:
                # the browser keeps the number in range; the service refuses (and explains) anything else
                self.fields[f"qty_{row.line.pk}"] = forms.IntegerField(
                    label=_("Quantity"), initial=row.available, required=False,
                    widget=forms.NumberInput(attrs={"min": 1, "max": row.available, "inputmode": "numeric"}))

    def picked(self) -> list[int]:
        """The order line ids the shopper ticked (as posted; the service checks they belong to the order)."""
        picked = []
        for value in self.data.getlist("lines") if hasattr(self.data, "getlist") else []:
            if str(value).isdigit():
                picked.append(int(value))
        return picked

    def clean(self):
        cleaned = super().clean()
        lines = {}
        for line_id in self.picked():
            field = f"qty_{line_id}"
            if field in self.fields:
                if self.has_error(field):
                    continue
                quantity = cleaned.get(field)
                lines[line_id] = 1 if quantity is None else quantity
            else:  # not returnable (any more): let the service say why
                lines[line_id] = 1
        cleaned["lines"] = lines
        return cleaned

    def line_rows(self) -> list[tuple]:
        """(returnable line, its quantity field or None, ticked?) for the template."""
        picked = set(self.picked()) if self.is_bound else set()
        return [(row, self[f"qty_{row.line.pk}"] if f"qty_{row.line.pk}" in self.fields else None,
                 row.line.pk in picked) for row in self.rows]


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("Note to the shopper"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Required when you reject; the shopper reads it."))
