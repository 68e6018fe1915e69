default_app_config = 'platform.oscar_apps.offer.apps.OfferConfig'
