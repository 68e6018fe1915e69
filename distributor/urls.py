from django.urls import path

from distributor import views

app_name = "distributor"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("market/", views.MarketListView.as_view(), name="market"),
    path("market/<int:pk>/", views.MarketDetailView.as_view(), name="market-detail"),
    path("stores/", views.StoreListView.as_view(), name="store-list"),
    path("stores/<int:pk>/", views.StoreDetailView.as_view(), name="store-detail"),
    path("team/", views.MemberListView.as_view(), name="member-list"),
]
