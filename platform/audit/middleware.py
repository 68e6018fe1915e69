"""Capture request facts for audit records, and log every portal or back-office change.

Views that call a service record a precise event (object and changes). A
successful unsafe request under an audited path that recorded nothing
explicit still leaves a generic event, so oscar's own dashboard forms are
covered too.
"""

from django.urls import resolve
from django.urls.exceptions import Resolver404

from audit.context import RequestFacts, client_ip, current_request
from audit.services import audit_record

AUDITED_PREFIXES = ("/shop/dashboard/", "/supplier/", "/distributor/", "/store/", "/portal/", "/cms-admin/")
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


class AuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        facts = RequestFacts(
            user=getattr(request, "user", None),
            ip_address=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
            method=request.method,
            path=request.get_full_path(),
        )
        token = current_request.set(facts)
        try:
            response = self.get_response(request)
            if self._needs_generic_event(request, response, facts):
                audit_record(action="request", changes=self._request_details(request, response))
            return response
        finally:
            current_request.reset(token)

    @staticmethod
    def _needs_generic_event(request, response, facts) -> bool:
        return (
            request.method not in SAFE_METHODS
            and response.status_code < 400
            and not facts.recorded
            and getattr(request, "user", None) is not None
            and request.user.is_authenticated
            and request.path.startswith(AUDITED_PREFIXES)
        )

    @staticmethod
    def _request_details(request, response) -> dict:
        try:
            match = resolve(request.path_info)
            view, kwargs = match.view_name, {k: str(v) for k, v in match.kwargs.items()}
        except Resolver404:
            view, kwargs = "", {}
        fields = sorted(k for k in request.POST.keys() if k != "csrfmiddlewaretoken" and "password" not in k)
        return {"view": view, "kwargs": kwargs, "fields": fields, "status": response.status_code}
