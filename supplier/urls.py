from django.urls import path

from supplier import views

app_name = "supplier"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("warehouses/", views.WarehouseListView.as_view(), name="warehouse-list"),
    path("warehouses/<int:pk>/", views.WarehouseDetailView.as_view(), name="warehouse-detail"),
    path("team/", views.MemberListView.as_view(), name="member-list"),
]
