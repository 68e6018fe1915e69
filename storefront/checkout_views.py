"""Basket, checkout and the shopper's orders: thin views over `storefront.services` and `storefront.selectors`.

The basket is oscar's (`request.basket`, from its middleware); each line is priced by the store it was added
in, so one basket can hold several stores' items and is checked out as one order.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView
from oscar.core.loading import get_model

from payments.registry import available_methods
from payments.selectors import order_payment
from points.selectors import order_points, point_value, points_balance, points_history, redeem_limit
from portal.links import safe_next
from storefront import selectors, services
from storefront.allocation import product_title
from storefront.forms import AddToBasketForm, CheckoutForm, LineQuantityForm, VoucherForm
from storefront.returns.services import order_is_paid
from storefront.shipping import StoreRules

Product = get_model("catalogue", "Product")


def _errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


class AddToBasketView(View):
    """POST from a product page: the SKU and quantity, bought from the store of the page."""

    def post(self, request, store_slug):
        store = selectors.store_by_slug(slug=store_slug)
        form = AddToBasketForm(request.POST)
        back = safe_next(request, reverse("storefront:basket"))
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(back)
        product = Product.objects.filter(pk=form.cleaned_data["product"]).first()
        if product is None:
            raise Http404(_("There is no such product."))
        try:
            services.basket_add(basket=request.basket, store=store, product=product,
                                quantity=form.cleaned_data["quantity"])
        except ValidationError as error:
            _errors(request, error)
            return redirect(back)
        messages.success(request, _("Added %(item)s to your basket.") % {"item": product_title(product)})
        return redirect("storefront:basket")


class BasketView(TemplateView):
    """The basket by store: quantities, each store's delivery charge and how far from free, the coupon box."""

    template_name = "storefront/basket.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        basket = self.request.basket
        context.update(basket_context(basket), voucher_form=VoucherForm())
        return context


def basket_context(basket) -> dict:
    """The basket by store with delivery charges, the discounts and the totals the shopper will pay (computed
    the way `order_place` computes them, so the total shown is the total ordered)."""
    shipping = StoreRules()
    charge, total = shipping.totals(basket)
    return {"basket": basket, "parts": basket_parts(basket, charges=shipping.charges(basket)),
            "shipping_total": charge.incl_tax, "order_total": total.incl_tax,
            "vouchers": list(basket.vouchers.all()) if basket.id else [],
            "discounts": basket.offer_discounts + basket.voucher_discounts}


def basket_parts(basket, *, charges) -> list[selectors.StorePart]:
    """The basket's lines grouped by store, each with its delivery charge (the lines are priced already)."""
    lines = list(basket.all_lines())
    for line in lines:
        line.display_title = product_title(line.product)
    parts = [selectors.StorePart(store=charge.store, lines=[line for line in lines if line.store_id == charge.store.pk],
                                 items_total=charge.items_total, shipping=charge.charge,
                                 short_of_free=charge.short_of_free)
             for charge in charges]
    loose = [line for line in lines if line.store_id is None]
    if loose:
        parts.append(selectors.StorePart(store=None, lines=loose, items_total=None, shipping=None))
    return parts


class BasketLineView(View):
    """POST a new quantity for one of the visitor's basket lines (0 removes it)."""

    def post(self, request, line_pk):
        if not any(line.pk == line_pk for line in request.basket.all_lines()):
            raise Http404(_("That item is no longer in your basket."))
        form = LineQuantityForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose a quantity of 0 or more (0 removes the item)."))
            return redirect("storefront:basket")
        try:
            services.basket_line_quantity_set(basket=request.basket, line_id=line_pk,
                                              quantity=form.cleaned_data["quantity"])
        except ValidationError as error:
            _errors(request, error)
        return redirect("storefront:basket")


class VoucherAddView(View):
    def post(self, request):
        from distributor.promotions.services import basket_voucher_add

        form = VoucherForm(request.POST)
        if form.is_valid():
            try:
                voucher = basket_voucher_add(basket=request.basket, code=form.cleaned_data["code"],
                                             user=request.user)
            except ValidationError as error:
                _errors(request, error)
            else:
                messages.success(request, _("Coupon %(code)s applied.") % {"code": voucher.code})
        else:
            messages.error(request, _("Enter a coupon code."))
        return redirect("storefront:basket")


class VoucherRemoveView(View):
    def post(self, request):
        from distributor.promotions.services import basket_voucher_remove

        try:
            basket_voucher_remove(basket=request.basket, code=request.POST.get("code", ""))
        except ValidationError as error:
            _errors(request, error)
        return redirect("storefront:basket")


class CheckoutView(TemplateView):
    """One page: delivery address, payment method, the basket as it will be ordered, and "Place order"."""

    template_name = "storefront/checkout.html"

    def dispatch(self, request, *args, **kwargs):
        if request.basket.is_empty:
            messages.info(request, _("Your basket is empty."))
            return redirect("storefront:basket")
        return super().dispatch(request, *args, **kwargs)

    def form(self, data=None, **kwargs) -> CheckoutForm:
        return CheckoutForm(data, guest=not self.request.user.is_authenticated, methods=available_methods(),
                            points_limit=self.points_limit(), **kwargs)

    def points_limit(self) -> int:
        """The most points the shopper may use on this basket (0 for a guest or a shopper without points)."""
        if not hasattr(self, "_points_limit"):
            self._points_limit = 0
            if points_balance(user=self.request.user) > 0:
                _charge, total = StoreRules().totals(self.request.basket)
                self._points_limit = redeem_limit(user=self.request.user, total=total.incl_tax)
        return self._points_limit

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if "order_total" not in context:
            context.update(basket_context(self.request.basket))
        context.setdefault("form", self.form(initial={"expected_total": context["order_total"]}))
        context.update(points_balance=points_balance(user=self.request.user), points_limit=self.points_limit(),
                       point_value=point_value())
        return context

    def post(self, request):
        form = self.form(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        data = form.cleaned_data
        try:
            order = services.order_place(basket=request.basket, user=request.user,
                                         guest_email=data.get("email", ""), shipping_address=data["address"],
                                         payment_method=data["payment_method"],
                                         expected_total=data.get("expected_total"), points=data.get("points", 0))
        except services.PriceChanged as error:
            _errors(request, error)
            return redirect("storefront:basket")
        except ValidationError as error:
            _errors(request, error)
            # the page shows the basket as it is now; the next "Place order" confirms that total
            now = basket_context(request.basket)
            again = request.POST.copy()
            again["expected_total"] = str(now["order_total"])
            self.__dict__.pop("_points_limit", None)
            form = self.form(again)
            form.is_valid()
            return self.render_to_response(self.get_context_data(form=form, **now))
        selectors.remember_guest_order(request=request, number=order.number)
        return redirect(f"{order_path(order)}?placed=1")


def order_path(order) -> str:
    return reverse("storefront:order", args=[order.number])


class OrderListView(ListView):
    """The visitor's orders: a signed-in shopper's, or the guest orders placed in this browser session."""

    template_name = "storefront/order_list.html"
    context_object_name = "orders"
    paginate_by = 20

    def get_queryset(self):
        return selectors.shopper_orders(request=self.request).order_by("-date_placed", "-pk")


class OrderDetailView(TemplateView):
    """One order: lines by store, each shipment's progress, the payment and what to do next."""

    template_name = "storefront/order_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        order = selectors.shopper_order(request=self.request, number=kwargs["number"],
                                        token=self.request.GET.get("t", ""))
        context.update(order=order, summary=selectors.order_summary(order=order), payment=order_payment(order=order),
                       points=order_points(order=order),
                       placed=self.request.GET.get("placed") == "1",
                       returns_url=reverse("storefront:returns:create", args=[order.number])
                       if order_is_paid(order=order) else "",
                       returns_list_url=reverse("storefront:returns:list", args=[order.number])
                       if order.return_requests.exists() else "",
                       stripe_publishable_key=settings.STRIPE_PUBLISHABLE_KEY)
        return context


class PointsView(LoginRequiredMixin, ListView):
    """My points: the signed-in shopper's balance and every entry, newest first, with its order."""

    template_name = "storefront/points.html"
    context_object_name = "entries"
    paginate_by = 30

    def get_queryset(self):
        return points_history(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(balance=points_balance(user=self.request.user), point_value=point_value())
        return context
