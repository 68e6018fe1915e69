"""The back-office page of cross-store product performance (staff only, see backoffice.apps): search a product,
see it in every store for a period, and the products that sell in one store but not in its siblings."""

from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView
from oscar.core.loading import get_model

from reports import products_selectors as selectors
from reports.forms import PeriodForm

Product = get_model("catalogue", "Product")


class ProductPerformanceView(TemplateView):
    template_name = "reports/products.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET
        form = PeriodForm(params)
        search = params.get("q", "").strip()
        context.update(form=form, q=search, matches=selectors.product_search(text=search))
        product_id = params.get("product", "")
        product = (get_object_or_404(Product, pk=int(product_id), parent__isnull=True)
                   if product_id.isdigit() else None)
        context["product"] = product
        if not form.is_valid():  # a bad period: the message and the form, nothing computed
            context["period_errors"] = [error for errors in form.errors.values() for error in errors]
            return context
        start, end = form.bounds()
        context.update(period=(form.cleaned_data["start"], form.cleaned_data["end"]),
                       lone=selectors.lone_sellers(start=start, end=end))
        if product is not None:
            context["performance"] = selectors.product_performance(product=product, start=start, end=end)
        return context
