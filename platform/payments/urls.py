"""Payment URLs under /payments/: Stripe's webhook, and a store's "mark paid" (the operator's pages live in the
back-office, see payments.operator_views)."""

from django.urls import path

from payments import views

app_name = "payments"

urlpatterns = [
    path("stripe/webhook/", views.stripe_webhook, name="stripe-webhook"),
    path("<int:pk>/mark-paid/", views.MarkPaidView.as_view(), name="mark-paid"),
]
