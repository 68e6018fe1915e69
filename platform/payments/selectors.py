"""Payment queries. Portal queries go through parties.scoping (payments belong to the stores of their lines)."""

from django.db.models import Q, QuerySet

from parties.scoping import Scope, scoped
from payments.models import Payment
from payments.registry import OfflinePayment


def order_payment(*, order) -> Payment | None:
    """The payment that stands for the order: the latest one not cancelled and not a refunded duplicate."""
    return (Payment.objects.filter(order=order, duplicate=False).exclude(status=Payment.Status.CANCELLED)
            .order_by("-created_at", "-pk").first())


def payment_list(*, scope: Scope, status: str = "", method: str = "", search: str = "") -> QuerySet:
    """Payments the scope may see, newest first, filtered by status, method and order number or reference."""
    payments = scoped(Payment.objects.all(), scope=scope)
    if status:
        payments = payments.filter(status=status)
    if method:
        payments = payments.filter(method=method)
    if search:
        payments = payments.filter(Q(order__number__icontains=search) | Q(reference__icontains=search))
    return payments.select_related("order", "marked_paid_by").order_by("-created_at", "-pk")


def pending_offline_payments(*, scope: Scope) -> QuerySet:
    """Offline payments waiting for the money, oldest first (what a store checks its bank account for)."""
    return (scoped(Payment.objects.all(), scope=scope)
            .filter(method=OfflinePayment.code, status=Payment.Status.PENDING)
            .select_related("order").order_by("created_at", "pk"))
