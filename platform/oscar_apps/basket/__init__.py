default_app_config = 'platform.oscar_apps.basket.apps.BasketConfig'
