from django.urls import path

from onboarding import views
from onboarding.models import Application

app_name = "onboarding"

urlpatterns = [
    path("supplier/", views.ApplyView.as_view(kind=Application.Kind.SUPPLIER), name="apply-supplier"),
    path("distributor/", views.ApplyView.as_view(kind=Application.Kind.DISTRIBUTOR), name="apply-distributor"),
    path("status/<str:token>/", views.status, name="status"),
]
