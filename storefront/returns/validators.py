"""Checks on the photos a shopper attaches to a return request (shared by the form and the service)."""

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from portal.uploads import image_format
from storefront.returns.models import MAX_PHOTO_BYTES, MAX_PHOTOS

PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}
PHOTO_CONTENT_TYPES = "image/jpeg,image/png,image/webp"


def validate_return_photos(photos) -> None:
    """At most five photos, each a readable JPEG, PNG or WebP image of at most 5 MB; every bad one is named."""
    photos = [photo for photo in photos if photo]
    if len(photos) > MAX_PHOTOS:
        raise ValidationError(_("Attach at most %(count)d photos.") % {"count": MAX_PHOTOS}, code="too_many")
    errors = []
    for photo in photos:
        name = getattr(photo, "name", "") or _("the file")
        if photo.size > MAX_PHOTO_BYTES:
            errors.append(ValidationError(
                _("“%(name)s” is %(size)s; a photo may be at most %(limit)s.")
                % {"name": name, "size": filesizeformat(photo.size), "limit": filesizeformat(MAX_PHOTO_BYTES)},
                code="too_large"))
        elif image_format(photo) not in PHOTO_FORMATS:
            errors.append(ValidationError(_("“%(name)s” is not a photo: use JPEG, PNG or WebP.") % {"name": name},
                                          code="not_image"))
    if errors:
        raise ValidationError(errors)
