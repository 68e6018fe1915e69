from django.urls import path

from storeadmin import views

app_name = "storeadmin"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("staff/", views.MemberListView.as_view(), name="member-list"),
]
