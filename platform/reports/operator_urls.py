"""Analytics pages in the back-office: the overview, the contribution report and its exports (views in
reports.views); product performance comes from reports.product_urls."""

from django.urls import path


def report_urls() -> list:
    from reports import views
    from reports.product_urls import product_urls

    return product_urls() + [
        path("analytics/", views.OverviewView.as_view(), name="mp-analytics-overview"),
        path("analytics/contribution/", views.ContributionView.as_view(), name="mp-contribution"),
        path("analytics/contribution/csv/", views.ContributionExportView.as_view(extension="csv"),
             name="mp-contribution-csv"),
        path("analytics/contribution/xlsx/", views.ContributionExportView.as_view(extension="xlsx"),
             name="mp-contribution-xlsx"),
    ]
