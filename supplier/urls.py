from django.urls import include, path

from supplier import views

app_name = "supplier"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("products/", views.ProductListView.as_view(), name="product-list"),
    path("products/new/", views.ProductCreateView.as_view(), name="product-create"),
    path("products/shelf/", views.ProductBulkShelfView.as_view(), name="product-bulk-shelf"),
    path("products/import/", views.ProductImportView.as_view(), name="product-import"),
    path("products/import/jobs/<int:pk>/", views.ImportJobView.as_view(), name="import-job"),
    path("products/import/template/", views.SpreadsheetDownloadView.as_view(template=True),
         name="product-import-template"),
    path("products/export/", views.SpreadsheetDownloadView.as_view(), name="product-export"),
    path("products/<int:pk>/", views.ProductDetailView.as_view(), name="product-detail"),
    path("products/<int:pk>/edit/", views.ProductEditView.as_view(), name="product-edit"),
    path("products/<int:pk>/submit/", views.ProductSubmitView.as_view(), name="product-submit"),
    path("products/<int:pk>/shelf/", views.ProductShelfView.as_view(), name="product-shelf"),
    path("products/<int:pk>/stock/", views.ProductStockView.as_view(), name="product-stock"),
    path("warehouses/", views.WarehouseListView.as_view(), name="warehouse-list"),
    path("warehouses/new/", views.WarehouseCreateView.as_view(), name="warehouse-create"),
    path("warehouses/<int:pk>/", views.WarehouseDetailView.as_view(), name="warehouse-detail"),
    path("team/", views.MemberListView.as_view(), name="member-list"),
    path("team/grant/", views.MemberGrantView.as_view(), name="member-grant"),
    path("team/<int:pk>/revoke/", views.MemberRevokeView.as_view(), name="member-revoke"),
    path("returns/", include("storefront.returns.supplier_urls")),
    path("stocktakes/", include("inventory.stocktake.supplier_urls")),
    path("fulfilment/", include("storefront.fulfilment.supplier_urls")),
    path("stock/", include("inventory.supplier_urls")),
    path("finance/", include("settlement.supplier_urls")),
    path("finance/withdrawals/", include("settlement.withdrawals.supplier_urls")),
    path("integrations/api/", include("api.portal_urls")),
    path("integrations/webhooks/", include("webhooks.portal_urls")),
]
