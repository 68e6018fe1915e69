default_app_config = 'platform.oscar_apps.order.apps.OrderConfig'
