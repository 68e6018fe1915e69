"""Distributor portal: the distributor's promotions (list, create each kind, pause/resume, end).

Every lookup goes through `selectors.promotion_list(scope=...)`: another distributor's promotion is a 404.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _t
from django.views.generic import TemplateView

from distributor.promotions import forms, selectors, services
from distributor.views import DistributorPortalMixin, form_problems, show_problems
from portal.links import safe_next
from supplier import selectors as catalogue

STATUS_FILTERS = [(key, label) for key, label in selectors.STATUS_LABELS.items()]


class PromotionListView(DistributorPortalMixin, TemplateView):
    template_name = "distributor/promotions/promotion_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        status = self.request.GET.get("status", "").strip()
        status = status if status in selectors.STATUS_LABELS else ""
        context.update(rows=selectors.promotion_rows(scope=self.scope, status=status), status=status,
                       statuses=STATUS_FILTERS, kinds=list(selectors.KIND_LABELS.items()))
        return context


class PromotionCreateView(DistributorPortalMixin, TemplateView):
    """One kind of promotion (`kind`), limited to the acting distributor's stores."""

    template_name = "distributor/promotions/promotion_form.html"
    kind = ""

    def build_form(self, data=None) -> forms.PromotionForm:
        categories = list(catalogue.category_paths().items()) if self.kind == selectors.KIND_PERCENTAGE else ()
        return forms.FORMS[self.kind](data, scope=self.scope, categories=categories)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", self.build_form())
        context.update(kind=self.kind, kind_label=selectors.KIND_LABELS[self.kind])
        return context

    def post(self, request, *args, **kwargs):
        form = self.build_form(request.POST)
        if not form.is_valid():
            messages.error(request, _t("The promotion was not created:"))
            show_problems(request, form_problems(form))
            return self.render_to_response(self.get_context_data(form=form))
        try:
            offer = services.promotion_create(actor=request.user, distributor=self.distributor,
                                              data=form.to_input())
        except services.PromotionError as refused:
            for field, problem in refused.problems.items():
                form.add_error(field if field in form.fields else None, problem)
            messages.error(request, _t("The promotion was not created:"))
            show_problems(request, list(refused.problems.values()))
            return self.render_to_response(self.get_context_data(form=form))
        messages.success(request, _t("“%(name)s” is saved: %(summary)s.") % {
            "name": form.cleaned_data["name"].strip(), "summary": selectors.promotion_summary(offer)})
        return redirect("distributor:promotion-detail", pk=offer.pk)


class PromotionMixin(DistributorPortalMixin):
    """Views about one promotion of the acting distributor; another distributor's (or the operator's) is a 404."""

    def get_offer(self):
        if not hasattr(self, "_offer"):
            self._offer = get_object_or_404(selectors.promotion_list(scope=self.scope), pk=self.kwargs["pk"])
        return self._offer

    def back(self) -> str:
        return safe_next(self.request, reverse("distributor:promotion-detail", kwargs={"pk": self.get_offer().pk}))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(row=selectors.promotion_row(self.get_offer()), offer=self.get_offer(), next=self.back())
        return context


class PromotionDetailView(PromotionMixin, TemplateView):
    template_name = "distributor/promotions/promotion_detail.html"


class PromotionPauseView(PromotionMixin, TemplateView):
    """Pause or resume: POST paused=on|off; GET asks for confirmation."""

    template_name = "distributor/promotions/promotion_confirm.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        paused = context["row"].status == selectors.STATUS_PAUSED
        context.update(action="pause",
                       heading=_t("Resume this promotion?") if paused else _t("Pause this promotion?"))
        return context

    def post(self, request, *args, **kwargs):
        offer = self.get_offer()
        form = forms.PauseForm(request.POST)
        if not form.is_valid():
            show_problems(request, form_problems(form))
            return redirect(self.back())
        paused = form.cleaned_data["paused"] == "on"
        try:
            services.promotion_set_paused(actor=request.user, offer=offer, paused=paused)
        except services.PromotionError as refused:
            show_problems(request, list(refused.problems.values()))
            return redirect(self.back())
        text = (_t("“%(name)s” is paused: shoppers no longer get it.") if paused
                else _t("“%(name)s” is running again."))
        messages.success(request, text % {"name": offer.name})
        return redirect(self.back())


class PromotionEndView(PromotionMixin, TemplateView):
    """End a promotion now; GET asks for confirmation."""

    template_name = "distributor/promotions/promotion_confirm.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(action="end", heading=_t("End this promotion now?"))
        return context

    def post(self, request, *args, **kwargs):
        offer = self.get_offer()
        try:
            services.promotion_end(actor=request.user, offer=offer)
        except services.PromotionError as refused:
            show_problems(request, list(refused.problems.values()))
            return redirect(self.back())
        messages.success(request, _t("“%(name)s” has ended. Orders already placed keep their discounts.") % {
            "name": offer.name})
        return redirect(self.back())
