"""Back-office URLs of reconciliation (mounted by backoffice.apps through settlement.operator_urls)."""

from django.urls import path


def reconciliation_urls() -> list:
    from settlement.reconciliation import views

    return [
        path("finance/reconciliation/", views.ReportListView.as_view(), name="mp-reconciliation-list"),
        path("finance/reconciliation/upload/", views.ReportUploadView.as_view(), name="mp-reconciliation-upload"),
        path("finance/reconciliation/fetch/", views.StripeFetchView.as_view(), name="mp-reconciliation-fetch"),
        path("finance/reconciliation/<int:pk>/", views.ReportDetailView.as_view(), name="mp-reconciliation-detail"),
        path("finance/reconciliation/<int:pk>/run/", views.ReportRunView.as_view(), name="mp-reconciliation-run"),
        path("finance/reconciliation/mismatches/<int:pk>/resolve/", views.MismatchResolveView.as_view(),
             name="mp-reconciliation-resolve"),
    ]
