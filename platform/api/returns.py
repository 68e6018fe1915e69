"""API resource: return requests, read only, as the portals' Returns pages show them (the store's decision and
the goods' receipt stay in the portal). A store token sees the requests of its sales, a supplier token those with
its goods, each with only its own lines (`storefront.returns.selectors.return_requests`, parties.scoping)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets

from api.order_serializers import PAGE_SIZE, ReturnRequestSerializer, choice_param, moment_param
from api.orders import ERRORS
from api.scoping import token_scope
from storefront.returns.models import ReturnRequest
from storefront.returns.selectors import return_requests

STATUS = OpenApiParameter("status", OpenApiTypes.STR, enum=ReturnRequest.Status.values,
                          description="The request's status.")
AFTER = OpenApiParameter("requested_after", OpenApiTypes.STR, description=(
    "Only requests made at or after this moment: YYYY-MM-DD or an ISO 8601 date-time."))
BEFORE = OpenApiParameter("requested_before", OpenApiTypes.STR, description=(
    "Only requests made before this moment: YYYY-MM-DD or an ISO 8601 date-time."))


@extend_schema_view(
    list=extend_schema(summary="Return requests", description=(
        "Return and refund requests touching the token's party's goods, newest first, with its own lines, the "
        "status and the refund amount (set when the store approves)."),
        parameters=[STATUS, AFTER, BEFORE, PAGE_SIZE], responses={200: ReturnRequestSerializer, **ERRORS}),
    retrieve=extend_schema(summary="One return request", responses={200: ReturnRequestSerializer, **ERRORS}),
)
class ReturnRequestViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ReturnRequestSerializer
    queryset = ReturnRequest.objects.none()  # for the schema; get_queryset scopes by token

    def get_queryset(self):
        request = self.request
        if self.action != "list":
            return return_requests(scope=token_scope(request))
        qs = return_requests(scope=token_scope(request),
                             status=choice_param(request, "status", ReturnRequest.Status.values))
        after, before = moment_param(request, "requested_after"), moment_param(request, "requested_before")
        if after is not None:
            qs = qs.filter(created_at__gte=after)
        if before is not None:
            qs = qs.filter(created_at__lt=before)
        return qs


def register(router) -> None:
    """Add this module's viewsets to the /api/v1/ router."""
    router.register("returns", ReturnRequestViewSet, basename="return-request")
