"""Store admin return pages, under /store/returns/ (no namespace of their own: they join "storeadmin")."""

from django.urls import path

from storefront.returns import views

urlpatterns = [
    path("", views.StoreReturnListView.as_view(), name="return-list"),
    path("<int:pk>/", views.StoreReturnDetailView.as_view(), name="return-detail"),
]
