"""Point of sale pages, under /store/pos/ (no namespace of their own: they join "storeadmin")."""

from django.urls import path

from storefront.instore import views

urlpatterns = [
    path("", views.PosView.as_view(), name="pos"),
    path("receipt/<str:number>/", views.ReceiptView.as_view(), name="pos-receipt"),
]
