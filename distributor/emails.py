"""E-mails to distributors, sent after the committing transaction, in English and Chinese alike."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from distributor.models import Listing
from parties.models import LEADING_ROLES, Distributor
from portal.links import absolute_url


def send_listings_flagged(distributor_id: int, listing_ids: list[int], reason: str) -> None:
    """Tell a distributor's owners and managers which listings a price change put outside the allowed band."""
    distributor = Distributor.objects.get(pk=distributor_id)
    recipients = sorted({m.user.email for m in distributor.memberships.select_related("user")
                         if m.role in LEADING_ROLES and m.user.email})
    if not recipients:
        return
    listings = list(Listing.objects.filter(pk__in=listing_ids).select_related(
        "store", "stockrecord", "entry__product").order_by("store__name", "stockrecord__partner_sku"))
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string("distributor/email/listings_flagged.txt", {
            "distributor": distributor, "listings": listings, "reason": reason,
            "url": absolute_url(reverse("distributor:listing-list") + "?state=flagged")})
        send_mail(_("%(count)s of your listings need a new price") % {"count": len(listings)}, body, None,
                  recipients)
