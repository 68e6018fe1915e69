"""The payment methods shoppers may choose, behind one small interface.

`offline` (bank transfer or cash on delivery) is always offered: starting it does nothing, the store or the
operator marks it paid, and its refunds are recorded as done (the money goes back by hand). `stripe` is offered
when settings.STRIPE_ENABLED: starting it creates a PaymentIntent, the shopper's browser confirms it with
Stripe.js, and the webhook marks it paid. Stripe is called through a client built from settings on every call
(STRIPE_SECRET_KEY, and STRIPE_API_BASE to talk to a local stand-in such as localstripe), never through
module-wide globals, so concurrent requests cannot see each other's keys.
"""

from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from payments.errors import PaymentError
from payments.money import to_minor


class PaymentMethod:
    code: str = ""
    label = ""
    instructions = ""
    in_shop = False  # taken at a physical shop's till (`payments.services.payment_record_in_shop`), never online

    def is_enabled(self) -> bool:
        return True

    def start(self, payment) -> None:
        """Prepare `payment` (unsaved changes are saved by the caller): e.g. create the provider's intent."""

    def refund(self, refund) -> None:
        """Give `refund.amount` back; set `refund.status` (and `reference`). Raise PaymentError if refused."""
        raise NotImplementedError


class OfflinePayment(PaymentMethod):
    code = "offline"
    label = _("Bank transfer or cash on delivery")
    instructions = _("Pay by bank transfer, quoting your order number, or in cash when the order is delivered. "
                     "The store confirms your payment and then ships.")

    def refund(self, refund) -> None:
        from payments.models import Refund

        refund.status = Refund.Status.SUCCEEDED  # recorded here; the money is returned by hand


class StripePayment(PaymentMethod):
    code = "stripe"
    label = _("Card (Stripe)")
    instructions = _("Pay now by card. Your card details go straight to Stripe.")

    def is_enabled(self) -> bool:
        return bool(getattr(settings, "STRIPE_ENABLED", False))

    def start(self, payment) -> None:
        if payment.reference:  # a reused payment keeps its intent: the shopper can never be charged twice
            return
        import stripe

        params = {
            "amount": to_minor(payment.amount, payment.currency),
            "currency": payment.currency.lower(),
            "payment_method_types": ["card"],
            "metadata": {"order_number": payment.order.number, "payment_id": str(payment.pk)},
        }
        try:
            intent = stripe_client().v1.payment_intents.create(
                params=params, options={"idempotency_key": payment_idempotency_key(payment)})
        except stripe.StripeError as error:
            raise PaymentError(gettext("Card payment is unavailable right now (%(error)s). Try again in a moment "
                                       "or choose another payment method.") % {"error": stripe_message(error)}
                               ) from error
        payment.reference = intent.id
        payment.client_secret = intent.client_secret or ""

    def refund(self, refund) -> None:
        import stripe

        from payments.models import Refund

        payment = refund.payment
        params = {
            "payment_intent": payment.reference,
            "amount": to_minor(refund.amount, payment.currency),
            "metadata": {"refund_key": refund.key, "payment_id": str(payment.pk), "reason": refund.reason[:500]},
        }
        try:
            result = stripe_client().v1.refunds.create(
                params=params, options={"idempotency_key": f"mp-refund-{payment.reference}-{refund.key}"})
        except stripe.StripeError as error:
            raise PaymentError(gettext("Stripe refused the refund: %(error)s") % {"error": stripe_message(error)}
                               ) from error
        refund.reference = result.id
        refund.status = {"succeeded": Refund.Status.SUCCEEDED, "pending": Refund.Status.PENDING,
                         "requires_action": Refund.Status.PENDING}.get(result.status, Refund.Status.FAILED)


class InShopPayment(PaymentMethod):
    """Money taken at a physical shop's till when the sale is rung up: recorded paid at once, no gateway.

    Never offered to shoppers online. Its refunds are recorded as done: the shop gives the money back by hand
    (cash) or on its own card terminal.
    """

    in_shop = True

    def refund(self, refund) -> None:
        from payments.models import Refund

        refund.status = Refund.Status.SUCCEEDED


class InShopCash(InShopPayment):
    code = "instore_cash"
    label = _("Cash in the shop")


class InShopCard(InShopPayment):
    code = "instore_card"
    label = _("Card on the shop's terminal")


def stripe_client():
    import stripe

    base = getattr(settings, "STRIPE_API_BASE", "") or ""
    return stripe.StripeClient(settings.STRIPE_SECRET_KEY or "",
                               base_addresses={"api": base.rstrip("/")} if base else None)


def stripe_message(error) -> str:
    return getattr(error, "user_message", None) or str(error) or error.__class__.__name__


def payment_idempotency_key(payment) -> str:
    """Derived from the payment: a retried start returns the same intent; another payment never does."""
    return f"mp-payment-{payment.pk}-{int(payment.created_at.timestamp() * 1_000_000)}"


_METHODS: dict[str, PaymentMethod] = {}


def register(method: PaymentMethod) -> None:
    _METHODS[method.code] = method


register(OfflinePayment())
register(StripePayment())
register(InShopCash())
register(InShopCard())


def switched_off() -> set[str]:
    """The codes the operator switched off in the marketplace settings (one query)."""
    from siteconfig.selectors import setting_value

    return set(setting_value(key="payment_methods_disabled"))


def available_methods() -> list[PaymentMethod]:
    """The methods a shopper may choose now, offline first (the shops' till methods are not among them, nor the
    methods the operator switched off)."""
    off = switched_off()
    return [method for method in _METHODS.values()
            if method.is_enabled() and not method.in_shop and method.code not in off]


def all_methods() -> list[PaymentMethod]:
    """Every registered method, enabled or not (for filters over past payments)."""
    return list(_METHODS.values())


def get_method(code: str) -> PaymentMethod:
    """A method a shopper may choose (an in-shop method is unknown here: it is taken at a till only)."""
    method = _METHODS.get(code)
    if method is None or method.in_shop:
        raise PaymentError(gettext("Unknown payment method “%(code)s”. Choose one of the methods offered.")
                           % {"code": code})
    if not method.is_enabled() or method.code in switched_off():
        raise PaymentError(gettext("%(method)s is not available right now. Choose another payment method.")
                           % {"method": method.label})
    return method


def in_shop_method(code: str) -> PaymentMethod:
    """A method a physical shop takes at its till ("instore_cash", "instore_card"); raises PaymentError."""
    method = _METHODS.get(code)
    if method is None or not method.in_shop:
        raise PaymentError(gettext("Choose cash or card as the payment taken in the shop."))
    return method


def registered_method(code: str) -> PaymentMethod:
    """The method a payment was made with, enabled or not (refunds still go through a method switched off)."""
    method = _METHODS.get(code)
    if method is None:
        raise PaymentError(gettext("Unknown payment method “%(code)s”.") % {"code": code})
    return method


def method_label(code: str) -> str:
    method = _METHODS.get(code)
    return str(method.label) if method else code
