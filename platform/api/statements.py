"""API resource: a supplier's statement (ledger postings over a period between opening and closing balances), the
same figures as the supplier portal's Finance page (`settlement.statements.statement`).

A store has no ledger account of its own (its owner, a distributor or a flagship supplier, is paid) and the store
admin portal shows no finance page, so a store token is refused with a 403 that says so.
"""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.response import Response

from api.errors import ApiError
from api.order_serializers import StatementSerializer
from api.orders import ERRORS
from api.permissions import request_token
from settlement.statements import period_from, statement

CURRENCY = OpenApiParameter("currency", OpenApiTypes.STR, description="Three-letter currency code (default CNY).")
MONTH = OpenApiParameter("month", OpenApiTypes.STR, description="A calendar month, YYYY-MM (default: this month).")
FROM = OpenApiParameter("from", OpenApiTypes.DATE, description="First day, YYYY-MM-DD (with `to`; at most 366 days).")
TO = OpenApiParameter("to", OpenApiTypes.DATE, description="Last day included, YYYY-MM-DD.")


class StatementViewSet(viewsets.ViewSet):
    pagination_class = None

    @extend_schema(summary="Statement", description=(
        "The supplier's postings in the period (days in the operator's time zone) with the running balance, and the "
        "opening and closing balances per state (pending, available, withdrawing). Supplier tokens only: a store "
        "has no account of its own, so a store token gets a 403."),
        parameters=[MONTH, FROM, TO, CURRENCY],
        responses={200: StatementSerializer, 403: OpenApiResponse(description="A store's token."),
                   **{code: answer for code, answer in ERRORS.items() if code != 403}})
    def list(self, request):
        token = request_token(request)
        if token.party_kind != "supplier":
            raise ApiError(_("A store has no ledger account of its own: its owner is paid, and reads the statement "
                             "in its portal's Finance page. Use a supplier's token."), code="permission_denied",
                           http_status=status.HTTP_403_FORBIDDEN)
        period = period_from(request.query_params)
        if period.error:
            raise ApiError(period.error.replace(_("Showing this month."), "").strip())
        currency = (request.query_params.get("currency") or "CNY").strip().upper()
        if not (len(currency) == 3 and currency.isalpha() and currency.isascii()):
            raise ApiError(_("currency: use a three-letter code such as CNY."),
                           details={"currency": [_("Not a currency code.")]})
        result = statement(party=token.supplier, start=period.start, end=period.end, currency=currency)
        return Response(StatementSerializer(result).data)


def register(router) -> None:
    """Add this module's viewsets to the /api/v1/ router."""
    router.register("statements", StatementViewSet, basename="statement")
