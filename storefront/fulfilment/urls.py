"""Fulfilment pages, under /store/fulfilment/ and /supplier/fulfilment/ (no namespace of their own: they join the
portal's, "storeadmin" or "supplier"). The same paths and views for both portals."""

from django.urls import path


def fulfilment_urlpatterns(views: dict[str, type]) -> list:
    return [
        path("", views["fulfilment-list"].as_view(), name="fulfilment-list"),
        path("<int:pk>/", views["fulfilment-detail"].as_view(), name="fulfilment-detail"),
        path("<int:pk>/ship/", views["fulfilment-ship"].as_view(), name="fulfilment-ship"),
        path("<int:pk>/cancel/", views["fulfilment-cancel"].as_view(), name="fulfilment-cancel"),
        path("parcels/<int:pk>/", views["fulfilment-parcel"].as_view(), name="fulfilment-parcel"),
        path("waves/", views["wave-list"].as_view(), name="wave-list"),
        path("waves/<int:pk>/", views["wave-detail"].as_view(), name="wave-detail"),
    ]
