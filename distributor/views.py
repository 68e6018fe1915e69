"""Distributor portal pages, scoped to the distributor the user acts for."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView
from oscar.core.loading import get_model

from distributor import forms, pricing, selectors, services
from distributor.models import PriceRule, TeamInvitation
from parties.models import LEADING_ROLES, PartyKind, Supplier
from parties.selectors import member_list, memberships_of, store_list
from portal import people
from portal.access import SESSION_KEY
from portal.links import safe_next
from portal.mixins import PortalViewMixin, bound_to_portal
from supplier import selectors as catalogue
from supplier.models import SupplierProduct

Line = get_model("order", "Line")

NEW_INVITATION_KEY = "mp_new_invitation"
MAX_PROBLEMS_SHOWN = 30


class DistributorPortalMixin(PortalViewMixin):
    portal_kind = PartyKind.DISTRIBUTOR
    portal_title = _("Distributor portal")
    portal_nav = [
        ("distributor:home", _("Overview")),
        ("distributor:market", _("Distribution market")),
        ("distributor:listing-list", _("Listings")),
        ("distributor:store-list", _("Stores")),
        ("distributor:promotion-list", _("Promotions")),
        ("distributor:team", _("Team")),
        ("distributor:member-list", _("People")),
        ("distributor:customer-list", _("Customers")),
        ("distributor:finance", _("Finance")),
    ]

    @property
    def distributor(self):
        return self.membership.distributor

    def stores(self):
        return store_list(scope=self.scope)

    def save_listings(self, problems: list[str], arguments) -> tuple[list, list[str]]:
        """`listings_save` for the acting distributor, unless the form already named problems.

        `arguments` is a callable giving the stores, SKUs and rule: it reads cleaned data, so it is only
        called once the form is valid. Returns (saved listings, problems); nothing is written on problems.
        """
        if problems:
            return [], problems
        try:
            return services.listings_save(actor=self.request.user, distributor=self.distributor,
                                          **arguments()), []
        except services.ListingError as refused:
            return [], refused.problems

    def refuse(self, form, heading: str, problems: list[str]):
        """The same page again with the form as typed, the heading and every problem."""
        messages.error(self.request, heading)
        show_problems(self.request, problems)
        return self.render_to_response(self.get_context_data(form=form))


def show_problems(request, problems: list[str]) -> None:
    """Every problem a service named, as error messages (a long list is cut, with how many more there are)."""
    for problem in problems[:MAX_PROBLEMS_SHOWN]:
        messages.error(request, problem)
    if len(problems) > MAX_PROBLEMS_SHOWN:
        messages.error(request, _t("… and %(count)d more problems.") % {"count": len(problems) - MAX_PROBLEMS_SHOWN})


def form_problems(form) -> list[str]:
    return [str(error) for errors in form.errors.values() for error in errors]


def bands_for(records) -> dict[int, pricing.Band]:
    """{stock record id: its allowed price band} under the operator's current ceiling."""
    ceiling = selectors.price_policy().max_over_suggested_percent
    return {record.pk: pricing.price_band(wholesale=record.wholesale_price, floor=record.min_retail_price,
                                          suggested=record.price, max_over_suggested_percent=ceiling)
            for record in records}


# --- Overview ----------------------------------------------------------------------------------------------


class HomeView(DistributorPortalMixin, TemplateView):
    """Today's and this month's sales per store, best sellers, earnings, flagged listings, team size."""

    template_name = "distributor/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        month = today.replace(day=1)
        stores = list(self.stores())
        today_sales = {row["store_id"]: row for row in selectors.store_sales(scope=self.scope, since=today)}
        month_sales = {row["store_id"]: row for row in selectors.store_sales(scope=self.scope, since=month)}
        zero = {"orders": 0, "units": 0, "sales": 0, "margin": 0}
        rows = [{"store": store, "today": today_sales.get(store.pk, zero), "month": month_sales.get(store.pk, zero)}
                for store in stores]
        context.update(
            stores=stores, store_rows=rows,
            today_total=sum(row["today"]["sales"] for row in rows),
            month_total=sum(row["month"]["sales"] for row in rows),
            month_margin=sum(row["month"]["margin"] for row in rows),
            top_products=list(selectors.top_products(scope=self.scope, since=month)),
            earnings=selectors.earnings(distributor=self.distributor),
            flagged_count=selectors.listing_list(scope=self.scope, state="flagged").count(),
            listing_count=selectors.listing_list(scope=self.scope).count(),
            team_size=selectors.team_size(selectors.team_tree(distributor=self.distributor)),
            member_count=member_list(scope=self.scope).count(),
        )
        return context


class StoreListView(DistributorPortalMixin, ListView):
    template_name = "distributor/store_list.html"
    context_object_name = "stores"

    def get_queryset(self):
        return self.stores()


class StoreDetailView(DistributorPortalMixin, DetailView):
    template_name = "distributor/store_detail.html"
    context_object_name = "store"

    def get_object(self, queryset=None):
        return get_object_or_404(self.stores(), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["store_members"] = member_list(scope=self.scope).filter(store=self.object)
        return context


# The People page (roles in force and lapsed, what each role may do) with giving and revoking roles: portal.people.
MemberListView, MemberGrantView, MemberRevokeView = bound_to_portal(
    DistributorPortalMixin, people.VIEWS, namespace="distributor").values()


# --- Distribution market -----------------------------------------------------------------------------------
# The market is what every distributor may list: approved, on-shelf, in-stock products of active suppliers
# (catalogue.market_products). It belongs to no single party, so it is not narrowed by the distributor's scope.


def market_suppliers():
    """Suppliers with at least one product in the market, for the supplier filter (one query)."""
    return Supplier.objects.filter(pk__in=catalogue.market_products().order_by().values("supplier_id")).order_by(
        "name")


MARKET_PAGE_SIZES = (24, 48, 96)


class MarketListView(DistributorPortalMixin, ListView):
    template_name = "distributor/market_list.html"
    context_object_name = "products"

    def get_paginate_by(self, queryset):
        size = self.request.GET.get("size", "")
        return int(size) if size.isdigit() and int(size) in MARKET_PAGE_SIZES else MARKET_PAGE_SIZES[0]

    def filter_form(self) -> forms.MarketFilterForm:
        if not hasattr(self, "_filter_form"):
            self._filter_form = forms.MarketFilterForm(self.request.GET)
        return self._filter_form

    def get_queryset(self):
        f = self.filter_form().values()
        return catalogue.market_products(search=(f.get("q") or "").strip(), category=f.get("category") or "",
                                         supplier_id=f.get("supplier"), sort=f.get("sort") or "-updated",
                                         min_margin=f.get("min_margin"), min_stock=f.get("min_stock"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET
        context.update(
            filters={key: params.get(key, "").strip()
                     for key in ("q", "category", "supplier", "min_margin", "min_stock", "sort")},
            filter_errors=self.filter_form().errors,
            categories=[(category.name, path) for path, category in catalogue.category_paths().items()],
            suppliers=[(supplier.pk, supplier.name) for supplier in market_suppliers()],
            sorts=forms.SORT_CHOICES,
            page_size=self.get_paginate_by(None),
            page_sizes=[(size, size) for size in MARKET_PAGE_SIZES],
        )
        return context


class MarketDetailView(DistributorPortalMixin, TemplateView):
    """One product of the market with its SKUs, its supplier's record and the "List in my stores" form.

    A product not in the market is a 404. Listing goes through `listings_save`: all or nothing.
    """

    template_name = "distributor/market_detail.html"

    def get_entry(self) -> SupplierProduct:
        if not hasattr(self, "_entry"):
            try:
                self._entry = catalogue.market_products().get(pk=self.kwargs["pk"])
            except SupplierProduct.DoesNotExist:
                raise Http404(_t("This product is not in the distribution market.")) from None
        return self._entry

    def get_rows(self) -> list[dict]:
        if not hasattr(self, "_rows"):
            rows = [row for row in catalogue.variant_rows(entry=self.get_entry()) if row["record"] is not None]
            bands = bands_for(row["record"] for row in rows)
            for row in rows:
                record = row["record"]
                row["margin"] = (record.price - record.wholesale_price
                                 if record.price is not None and record.wholesale_price is not None else None)
                row["band"] = bands[record.pk]
            self._rows = rows
        return self._rows

    def build_form(self, data=None) -> forms.ListInStoresForm:
        return forms.ListInStoresForm(data, records=[row["record"] for row in self.get_rows()],
                                      stores=self.stores())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entry = self.get_entry()
        rows = self.get_rows()
        stores = list(self.stores())
        mine = selectors.listings_of_entry(scope=self.scope, entry_id=entry.pk)
        my_listings = []
        for store in stores:
            items = [(row, mine[(store.pk, row["record"].pk)]) for row in rows if (store.pk, row["record"].pk) in mine]
            if items:
                my_listings.append({"store": store, "items": items})
        context.update(entry=entry, product=entry.product, rows=rows, images=list(entry.product.images.all()),
                       categories=list(entry.product.categories.all()), tags=list(entry.tags.all()),
                       record=selectors.supplier_record(supplier=entry.supplier), my_listings=my_listings,
                       stores=stores)
        context.setdefault("form", self.build_form())
        return context

    def post(self, request, *args, **kwargs):
        form = self.build_form(request.POST)
        saved, problems = self.save_listings(
            [] if form.is_valid() else form_problems(form),
            lambda: {"store_ids": form.cleaned_data["stores"], "record_ids": form.cleaned_data["records"],
                     **form.rule_kwargs()})
        if problems:
            return self.refuse(form, _t("Nothing was listed:"), problems)
        stores = sorted({str(listing.store) for listing in saved})
        messages.success(request, _t("Listed %(count)d SKU(s) of “%(title)s” in %(stores)s.") % {
            "count": len(saved), "title": self.get_entry().product.title, "stores": ", ".join(stores)})
        return redirect("distributor:market-detail", pk=self.get_entry().pk)


# --- Listings ----------------------------------------------------------------------------------------------


class ListingListView(DistributorPortalMixin, ListView):
    """Every listing of the distributor's stores: filter, page, edit, pause/resume, remove (one or ticked)."""

    template_name = "distributor/listing_list.html"
    context_object_name = "listings"
    paginate_by = 50

    def filters(self) -> dict:
        params = self.request.GET
        return {key: params.get(key, "").strip() for key in ("store", "q", "state")}

    def get_queryset(self):
        f = self.filters()
        store_id = int(f["store"]) if f["store"].isdigit() else None
        return selectors.listing_list(scope=self.scope, store_id=store_id, search=f["q"], state=f["state"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        listings = context["listings"]
        bands = bands_for(listing.stockrecord for listing in listings)
        for listing in listings:
            listing.band = bands[listing.stockrecord_id]
        context.update(filters=self.filters(), states=forms.STATE_CHOICES,
                       store_choices=[(store.pk, str(store)) for store in self.stores()])
        return context


class ListingMixin(DistributorPortalMixin):
    """Views about one listing of the acting distributor; another distributor's listing is a 404."""

    def get_listing(self):
        if not hasattr(self, "_listing"):
            self._listing = get_object_or_404(selectors.listing_list(scope=self.scope), pk=self.kwargs["pk"])
        return self._listing

    def back(self) -> str:
        return safe_next(self.request, reverse("distributor:listing-list"))


class ListingEditView(ListingMixin, TemplateView):
    """Change one listing's rule or price: `listings_save` for that one store and SKU."""

    template_name = "distributor/listing_edit.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        listing = self.get_listing()
        context.setdefault("form", forms.ListingEditForm(initial={
            "rule": listing.rule, "fixed_price": listing.fixed_price, "markup_percent": listing.markup_percent}))
        context.update(listing=listing, record=listing.stockrecord,
                       band=bands_for([listing.stockrecord])[listing.stockrecord_id], next=self.back())
        return context

    def post(self, request, *args, **kwargs):
        listing = self.get_listing()
        form = forms.ListingEditForm(request.POST)
        saved, problems = self.save_listings(
            [] if form.is_valid() else form_problems(form),
            lambda: {"store_ids": [listing.store_id], "record_ids": [listing.stockrecord_id], **form.rule_kwargs()})
        if problems:
            return self.refuse(form, _t("Nothing was changed:"), problems)
        [saved] = saved
        messages.success(request, _t("%(sku)s in %(store)s now sells at %(price)s.") % {
            "sku": listing.stockrecord.partner_sku, "store": listing.store, "price": saved.price})
        return redirect(self.back())


class ListingPauseView(ListingMixin, TemplateView):
    """Pause (hide from shoppers) or resume one listing: POST paused=on|off; GET asks for confirmation."""

    template_name = "distributor/listing_confirm.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        listing = self.get_listing()
        context.update(listing=listing, action="pause", next=self.back(),
                       heading=_t("Resume this listing?") if listing.is_paused else _t("Pause this listing?"))
        return context

    def post(self, request, *args, **kwargs):
        listing = self.get_listing()
        form = forms.PauseForm(request.POST)
        if not form.is_valid():
            show_problems(request, form_problems(form))
            return redirect(self.back())
        paused = form.cleaned_data["paused"] == "on"
        services.listings_set_paused(actor=request.user, listings=[listing], paused=paused)
        text = (_t("%(sku)s in %(store)s is paused: shoppers no longer see it.") if paused
                else _t("%(sku)s in %(store)s is on sale again."))
        messages.success(request, text % {"sku": listing.stockrecord.partner_sku, "store": listing.store})
        return redirect(self.back())


class ListingRemoveView(ListingMixin, TemplateView):
    """Take one listing out of its store; GET asks for confirmation."""

    template_name = "distributor/listing_confirm.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(listing=self.get_listing(), action="remove", next=self.back(),
                       heading=_t("Remove this listing from its store?"))
        return context

    def post(self, request, *args, **kwargs):
        listing = self.get_listing()
        services.listings_remove(actor=request.user, listings=[listing])
        messages.success(request, _t("%(sku)s was removed from %(store)s.") % {
            "sku": listing.stockrecord.partner_sku, "store": listing.store})
        return redirect(self.back())


class ListingBulkView(DistributorPortalMixin, View):
    """Pause, resume or remove the ticked listings; an id outside the distributor's listings is a 404."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        back = safe_next(request, reverse("distributor:listing-list"))
        form = forms.ListingBulkForm(request.POST)
        if not form.is_valid():
            show_problems(request, form_problems(form))
            return redirect(back)
        ids = set(form.cleaned_data["listings"])
        listings = list(selectors.listing_list(scope=self.scope).filter(pk__in=ids))
        if len(listings) != len(ids):
            raise Http404(_t("No such listing."))
        action = form.cleaned_data["action"]
        if action == "remove":
            count = services.listings_remove(actor=request.user, listings=listings)
            messages.success(request, _t("%(count)d listings removed.") % {"count": count})
        else:
            count = services.listings_set_paused(actor=request.user, listings=listings, paused=action == "pause")
            text = _t("%(changed)d of %(count)d listings paused.") if action == "pause" else _t(
                "%(changed)d of %(count)d listings resumed.")
            messages.success(request, text % {"changed": count, "count": len(listings)})
        return redirect(back)


class CategoryListingView(DistributorPortalMixin, TemplateView):
    """List a whole category of the market in one or several stores at one markup over wholesale."""

    template_name = "distributor/listing_category.html"

    def build_form(self, data=None) -> forms.CategoryListingForm:
        return forms.CategoryListingForm(data, stores=self.stores(), categories=list(catalogue.category_paths()))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", self.build_form())
        return context

    def post(self, request, *args, **kwargs):
        form = self.build_form(request.POST)
        problems = form_problems(form) if not form.is_valid() else []
        if not problems:
            path = form.cleaned_data["category"]
            record_ids = selectors.category_records(category=catalogue.category_paths()[path])
            if not record_ids:
                problems = [_t("No SKU of “%(category)s” is in the distribution market.") % {"category": path}]
        saved, problems = self.save_listings(problems, lambda: {
            "store_ids": form.cleaned_data["stores"], "record_ids": record_ids, "rule": PriceRule.MARKUP,
            "markup_percent": form.cleaned_data["markup_percent"]})
        if problems:
            return self.refuse(form, _t("Nothing was listed:"), problems)
        messages.success(request, _t("%(count)d listings saved for “%(category)s”.") % {
            "count": len(saved), "category": path})
        return redirect(reverse("distributor:listing-list"))


# --- Team --------------------------------------------------------------------------------------------------


class TeamView(DistributorPortalMixin, TemplateView):
    """The distributor's downline as a tree, its invitations, and (owner/manager) a new invitation link."""

    template_name = "distributor/team.html"

    def can_invite(self) -> bool:
        return self.membership.role in LEADING_ROLES

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        tree = selectors.team_tree(distributor=self.distributor)
        new = None
        new_id = self.request.session.pop(NEW_INVITATION_KEY, None)
        invitations = list(selectors.invitation_list(scope=self.scope))
        if new_id is not None:
            new = next((invitation for invitation in invitations if invitation.pk == new_id), None)
        context.update(
            tree=tree, team_size=selectors.team_size(tree), invitations=invitations,
            upline=selectors.upline_chain(distributor=self.distributor, levels=1),
            can_invite=self.can_invite(), form=forms.InvitationForm(),
            new_invitation=new,
            new_link=self.request.build_absolute_uri(reverse("distributor:team-join", kwargs={"token": new.token}))
            if new else "",
        )
        return context

    def post(self, request, *args, **kwargs):
        if not self.can_invite():
            raise PermissionDenied(_t("Only the owner or a manager can invite sub-distributors."))
        form = forms.InvitationForm(request.POST)
        if not form.is_valid():
            show_problems(request, form_problems(form))
            return redirect("distributor:team")
        invitation = services.team_invitation_create(actor=request.user, distributor=self.distributor,
                                                     note=form.cleaned_data["note"])
        request.session[NEW_INVITATION_KEY] = invitation.pk
        messages.success(request, _t("Invitation created. Copy the link below now: it is shown only once."))
        return redirect("distributor:team")


class TeamJoinView(TemplateView):
    """Where an invitation link lands. Public: the token is the key (a wrong one is a 404).

    Someone acting as owner or manager of a distributor sees "Join X's team" (a POST calling `team_join`);
    anyone else is told to sign in, or to apply as a distributor with the invitation attached.
    """

    template_name = "distributor/team_join.html"

    def dispatch(self, request, *args, **kwargs):
        self.invitation = (TeamInvitation.objects.select_related("inviter", "used_by")
                           .filter(token=kwargs["token"]).first())
        if self.invitation is None or self.invitation.token != kwargs["token"]:
            raise Http404(_t("This invitation link is not valid."))
        return super().dispatch(request, *args, **kwargs)

    def candidates(self) -> list:
        """The distributor memberships this user may accept for (owner or manager of an active distributor)."""
        user = self.request.user
        if not user.is_authenticated:
            return []
        return [m for m in memberships_of(user=user)
                if m.kind == PartyKind.DISTRIBUTOR and m.role in LEADING_ROLES and m.party_is_active]

    def chosen(self, candidates, wanted=None):
        by_pk = {m.pk: m for m in candidates}
        for key in (wanted, self.request.session.get(SESSION_KEY)):
            try:
                if key is not None and int(key) in by_pk:
                    return by_pk[int(key)]
            except (TypeError, ValueError):
                continue
        return candidates[0] if candidates else None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        candidates = self.candidates()
        chosen = kwargs.get("chosen") or self.chosen(candidates)
        problem = (services.team_join_problem(invitation=self.invitation, distributor=chosen.distributor)
                   if chosen else "")
        token = self.invitation.token
        context.update(
            portal_title=_("Distributor portal"), invitation=self.invitation, inviter=self.invitation.inviter,
            candidates=candidates, chosen=chosen, problem=problem,
            login_url=f"{reverse('portal:login')}?{urlencode({'next': self.request.path})}",
            apply_url=f"{reverse('onboarding:apply-distributor')}?{urlencode({'invitation': token})}",
        )
        return context

    def post(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(f"{reverse('portal:login')}?{urlencode({'next': request.path})}")
        candidates = self.candidates()
        chosen = self.chosen(candidates, request.POST.get("membership"))
        if chosen is None:
            messages.error(request, _t("Only the owner or a manager of a distributor can accept an invitation."))
            return self.render_to_response(self.get_context_data())
        try:
            services.team_join(actor=request.user, token=self.invitation.token, distributor=chosen.distributor)
        except services.TeamError as refused:
            self.invitation.refresh_from_db()
            messages.error(request, refused.problem)
            return self.render_to_response(self.get_context_data(chosen=chosen))
        request.session[SESSION_KEY] = chosen.pk
        messages.success(request, _t("%(company)s joined the team of %(inviter)s.") % {
            "company": chosen.distributor, "inviter": self.invitation.inviter})
        return redirect("distributor:team")
