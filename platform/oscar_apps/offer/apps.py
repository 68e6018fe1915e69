import oscar.apps.offer.apps as apps


class OfferConfig(apps.OfferConfig):
    name = 'oscar_apps.offer'
