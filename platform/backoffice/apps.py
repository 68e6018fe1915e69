from functools import wraps

from django.http import Http404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from oscar.core.application import OscarDashboardConfig


class BackofficeConfig(OscarDashboardConfig):
    """Operator pages mounted inside oscar's dashboard (see oscar_apps.dashboard)."""

    name = "backoffice"
    label = "mp_backoffice"
    verbose_name = _("Operator back-office")
    default_permissions = ["is_staff"]

    def get_url_decorator(self, pattern):
        """Anonymous visitors are sent to sign in; signed-in non-operators get 404, never a hint."""
        from django.contrib.auth.views import redirect_to_login
        from oscar.views.decorators import check_permissions

        permissions = self.get_permissions(pattern.name)

        def decorator(view):
            @wraps(view)
            def guarded(request, *args, **kwargs):
                if not request.user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                if not check_permissions(request.user, permissions):
                    raise Http404
                return view(request, *args, **kwargs)

            return guarded

        return decorator

    def get_urls(self):
        from backoffice import audit_views, views

        urls = [
            path("suppliers/", views.SupplierListView.as_view(), name="mp-supplier-list"),
            path("suppliers/<int:pk>/", views.SupplierDetailView.as_view(), name="mp-supplier-detail"),
            path("distributors/", views.DistributorListView.as_view(), name="mp-distributor-list"),
            path(
                "distributors/<int:pk>/",
                views.DistributorDetailView.as_view(),
                name="mp-distributor-detail",
            ),
            path("stores/", views.StoreListView.as_view(), name="mp-store-list"),
            path("stores/<int:pk>/", views.StoreDetailView.as_view(), name="mp-store-detail"),
            path(
                "parties/<str:kind>/<int:pk>/status/",
                views.PartyStatusView.as_view(),
                name="mp-party-status",
            ),
            path("audit/", audit_views.AuditListView.as_view(), name="mp-audit-list"),
        ]
        urls += self._onboarding_urls()
        urls += self._catalogue_urls()
        urls += self._distribution_urls()
        urls += self._payments_urls()
        urls += self._settlement_urls()
        urls += self._operator_urls()
        return self.post_process_urls(urls)

    def _operator_urls(self):
        """Analytics, customers, marketplace settings, operators and grants (each app owns its pages)."""
        from backoffice.access_urls import access_urls
        from customers.operator_urls import customer_urls
        from reports.operator_urls import report_urls
        from siteconfig.operator_urls import config_urls

        return report_urls() + customer_urls() + config_urls() + access_urls()

    def _settlement_urls(self):
        """Finance: overview, runs, commission rules, statements, withdrawals, reconciliation."""
        from settlement.operator_urls import settlement_urls

        return settlement_urls()

    def _payments_urls(self):
        """Payments: list, detail, mark paid, refund (views in payments.operator_views)."""
        from payments.operator_views import payment_urls

        return payment_urls()

    def _distribution_urls(self):
        """Price ceiling, team bonus rules and teams (views in backoffice.distribution_views)."""
        from backoffice import distribution_views as distribution

        return [
            path("distribution/price-ceiling/", distribution.PriceCeilingView.as_view(), name="mp-price-ceiling"),
            path("distribution/bonus-rules/", distribution.BonusRulesView.as_view(), name="mp-bonus-rules"),
            path("distribution/teams/", distribution.TeamListView.as_view(), name="mp-team-list"),
        ]

    def _catalogue_urls(self):
        """Review queue and suppliers' catalogue (views in backoffice.catalogue_views)."""
        from backoffice import catalogue_views as catalogue

        return [
            path("reviews/", catalogue.ReviewQueueView.as_view(), name="mp-review-list"),
            path("reviews/<int:pk>/", catalogue.ReviewDetailView.as_view(), name="mp-review-detail"),
            path("catalogue/", catalogue.CatalogueListView.as_view(), name="mp-catalogue-list"),
            path("catalogue/<int:pk>/", catalogue.CatalogueDetailView.as_view(), name="mp-catalogue-detail"),
        ]

    def _onboarding_urls(self):
        """Applications queue, plans, and plan assignment (views live in the onboarding app)."""
        from onboarding import operator_views as onboarding

        return [
            path("applications/", onboarding.ApplicationListView.as_view(), name="mp-application-list"),
            path("applications/<int:pk>/", onboarding.ApplicationDetailView.as_view(),
                 name="mp-application-detail"),
            path("applications/<int:pk>/licence/", onboarding.ApplicationLicenceView.as_view(),
                 name="mp-application-licence"),
            path("applications/<int:pk>/approve/", onboarding.ApplicationApproveView.as_view(),
                 name="mp-application-approve"),
            path("applications/<int:pk>/reject/", onboarding.ApplicationRejectView.as_view(),
                 name="mp-application-reject"),
            path("plans/", onboarding.PlanListView.as_view(), name="mp-plan-list"),
            path("plans/new/", onboarding.PlanFormView.as_view(), name="mp-plan-create"),
            path("plans/<int:pk>/", onboarding.PlanFormView.as_view(), name="mp-plan-update"),
            path("parties/<str:kind>/<int:pk>/plan/", onboarding.PartyPlanView.as_view(), name="mp-party-plan"),
        ]
