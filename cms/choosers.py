"""Wagtail choosers for what CMS blocks point at: stores, supplier products and oscar categories.

Built on Wagtail's generic `ChooserViewSet`, so editors pick a row in a searchable modal instead of typing ids,
and the same viewsets hand out the StreamField `ChooserBlock` classes (`cms.blocks`). These models are NOT
snippets: editors choose them here, they never edit them in Wagtail. The search is a plain `icontains` on the
name, because these models are not in Wagtail's search index.
"""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.chooser import ChooseResultsView, ChooseView
from wagtail.admin.viewsets.chooser import ChooserViewSet


class NameFilterForm(BaseFilterForm):
    """A search box that narrows the list by the lookups the view names (`search_fields`)."""

    q = forms.CharField(label=_("Search term"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("Search")}))
    search_fields: tuple[str, ...] = ()

    def filter(self, objects):
        objects = super().filter(objects)
        term = (self.cleaned_data.get("q") or "").strip()
        if term:
            condition = Q()
            for field in self.search_fields:
                condition |= Q(**{f"{field}__icontains": term})
            objects = objects.filter(condition)
            self.is_searching = True
            self.search_query = term
        return objects


def name_filter(*fields: str) -> type[NameFilterForm]:
    return type("NameFilterForm", (NameFilterForm,), {"search_fields": fields})


class StoreChooseMixin:
    filter_form_class = name_filter("name", "slug")

    def get_object_list(self):
        from parties.models import Store

        return Store.objects.select_related("distributor", "supplier").order_by("name", "pk")

    @property
    def columns(self):
        return [self.title_column, Column("slug", label=_("Address")),
                Column("status", label=_("Status"), accessor="get_status_display")]


class StoreChooserViewSet(ChooserViewSet):
    model = "mp_parties.Store"
    icon = "home"
    choose_one_text = _("Choose a store")
    choose_another_text = _("Choose another store")
    choose_view_class = type("StoreChooseView", (StoreChooseMixin, ChooseView), {})
    choose_results_view_class = type("StoreChooseResultsView", (StoreChooseMixin, ChooseResultsView), {})
    register_widget = False  # only the blocks use it; model forms elsewhere keep their own widgets


class ProductChooseMixin:
    filter_form_class = name_filter("product__title", "supplier__name",
                                    "product__stockrecords__partner_sku")

    def get_object_list(self):
        from supplier.models import SupplierProduct

        return SupplierProduct.objects.select_related("product", "supplier").order_by("product__title", "pk")

    def filter_object_list(self, objects):
        return super().filter_object_list(objects).distinct()

    @property
    def columns(self):
        return [self.title_column, Column("supplier", label=_("Supplier")),
                Column("state", label=_("Review state"), accessor="get_state_display")]


class ProductChooserViewSet(ChooserViewSet):
    model = "mp_supplier.SupplierProduct"
    icon = "pick"
    choose_one_text = _("Choose a product")
    choose_another_text = _("Choose another product")
    choose_view_class = type("ProductChooseView", (ProductChooseMixin, ChooseView), {})
    choose_results_view_class = type("ProductChooseResultsView", (ProductChooseMixin, ChooseResultsView), {})
    register_widget = False


class CategoryChooseMixin:
    filter_form_class = name_filter("name", "slug")

    def get_object_list(self):
        from oscar.core.loading import get_model

        return get_model("catalogue", "Category").objects.order_by("path")

    @property
    def columns(self):
        return [self.title_column]


class CategoryChooserViewSet(ChooserViewSet):
    model = "catalogue.Category"
    icon = "folder-open-inverse"
    choose_one_text = _("Choose a category")
    choose_another_text = _("Choose another category")
    choose_view_class = type("CategoryChooseView", (CategoryChooseMixin, ChooseView), {})
    choose_results_view_class = type("CategoryChooseResultsView", (CategoryChooseMixin, ChooseResultsView), {})
    register_widget = False


store_chooser_viewset = StoreChooserViewSet("mp_store_chooser", url_prefix="cms/choose-store")
product_chooser_viewset = ProductChooserViewSet("mp_product_chooser", url_prefix="cms/choose-product")
category_chooser_viewset = CategoryChooserViewSet("mp_category_chooser", url_prefix="cms/choose-category")
