import oscar.apps.offer.apps as apps


class OfferConfig(apps.OfferConfig):
    name = 'oscar_apps.offer'

    def ready(self):
        super().ready()
        from oscar_apps.offer import scopes  # noqa: F401  (registers promotions with the scoping helper)
