"""Registers the CMS choosers (stores, products, categories) in Wagtail's admin."""

from wagtail import hooks

from cms.choosers import category_chooser_viewset, product_chooser_viewset, store_chooser_viewset


@hooks.register("register_admin_viewset")
def register_choosers():
    return [store_chooser_viewset, product_chooser_viewset, category_chooser_viewset]
