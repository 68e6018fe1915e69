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
        from backoffice import views

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
            path("audit/", views.AuditListView.as_view(), name="mp-audit-list"),
        ]
        return self.post_process_urls(urls)
