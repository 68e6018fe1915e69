from django.contrib.auth import views as auth_views
from django.urls import path

from portal import views

app_name = "portal"

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("portal/", views.landing, name="landing"),
    path("portal/switch/", views.switch, name="switch"),
    path("healthz/", views.healthz, name="healthz"),
]
