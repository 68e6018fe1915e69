"""Checks on what applicants upload and type, shared by the public form and the services."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.uploads import image_format as uploaded_image_format

MAX_LICENCE_BYTES = 5 * 1024 * 1024
LICENCE_FORMATS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}  # what Pillow reports → file suffix
LICENCE_CONTENT_TYPES = {".jpg": "image/jpeg", ".png": "image/png", ".webp": "image/webp"}

validate_phone = RegexValidator(
    r"^\+?[0-9][0-9 ()\-]{5,30}$",
    gettext_lazy("Enter a phone number with digits only (spaces, +, - and brackets allowed), "
                 "e.g. +86 138 0013 8000."),
    code="invalid_phone",
)


def validate_licence_image(file) -> str:
    """Refuse anything over 5 MB or that Pillow cannot read as JPEG, PNG or WebP; return the file suffix.

    The size is checked first so a huge upload is refused without being parsed.
    """
    if file.size > MAX_LICENCE_BYTES:
        raise ValidationError(
            _("The licence image is %(size)s; the limit is %(limit)s. Take a smaller photo or scan and try again.")
            % {"size": filesizeformat(file.size), "limit": filesizeformat(MAX_LICENCE_BYTES)},
            code="too_large",
        )
    image_format = uploaded_image_format(file)
    if image_format is None:
        raise ValidationError(
            _("The licence file is not a readable image. Upload a JPEG, PNG or WebP photo or scan of the licence."),
            code="invalid_image",
        )
    if image_format not in LICENCE_FORMATS:
        raise ValidationError(
            _("The licence image is a %(format)s file; upload it as a JPEG, PNG or WebP photo or scan.")
            % {"format": image_format or _("unknown")},
            code="unsupported_format",
        )
    return LICENCE_FORMATS[image_format]
