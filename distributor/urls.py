from django.urls import include, path

from distributor import views

app_name = "distributor"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("market/", views.MarketListView.as_view(), name="market"),
    path("market/<int:pk>/", views.MarketDetailView.as_view(), name="market-detail"),
    path("listings/", views.ListingListView.as_view(), name="listing-list"),
    path("listings/bulk/", views.ListingBulkView.as_view(), name="listing-bulk"),
    path("listings/category/", views.CategoryListingView.as_view(), name="listing-category"),
    path("listings/<int:pk>/edit/", views.ListingEditView.as_view(), name="listing-edit"),
    path("listings/<int:pk>/pause/", views.ListingPauseView.as_view(), name="listing-pause"),
    path("listings/<int:pk>/remove/", views.ListingRemoveView.as_view(), name="listing-remove"),
    path("stores/", views.StoreListView.as_view(), name="store-list"),
    path("stores/<int:pk>/", views.StoreDetailView.as_view(), name="store-detail"),
    path("team/", views.TeamView.as_view(), name="team"),
    path("team/join/<str:token>/", views.TeamJoinView.as_view(), name="team-join"),
    path("people/", views.MemberListView.as_view(), name="member-list"),
    path("people/grant/", views.MemberGrantView.as_view(), name="member-grant"),
    path("people/<int:pk>/revoke/", views.MemberRevokeView.as_view(), name="member-revoke"),
    path("promotions/", include("distributor.promotions.urls")),
    path("finance/", include("settlement.distributor_urls")),
    path("customers/", include("customers.distributor_urls")),
    path("finance/withdrawals/", include("settlement.withdrawals.distributor_urls")),
]
