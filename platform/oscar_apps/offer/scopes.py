"""How promotions belong to parties (see parties.scoping): a promotion, its range and its vouchers belong to the
distributor that owns the promotion; the operator's (owner empty) belong to no party."""

from oscar.core.loading import get_model

from parties.scoping import register_scope

ConditionalOffer = get_model("offer", "ConditionalOffer")
Range = get_model("offer", "Range")
Voucher = get_model("voucher", "Voucher")

register_scope(ConditionalOffer, distributor="distributor")
register_scope(Range, distributor="distributor")
register_scope(Voucher, distributor="offers__distributor")
