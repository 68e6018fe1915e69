"""A store's own domain: a request for a host mapped to a store serves that store's storefront at "/".

Hosts of the platform itself (settings.PLATFORM_HOSTS) are never looked up, so ordinary requests cost no query.
The host must also be in ALLOWED_HOSTS (the operator adds it with the DNS record).
"""

from django.conf import settings

from storefront.models import StoreDomain


class StoreDomainMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        host = request.get_host().split(":")[0].lower()
        if host not in settings.PLATFORM_HOSTS:
            domain = StoreDomain.objects.select_related("store").filter(host=host).first()
            if domain is not None:
                request.domain_store = domain.store
                request.urlconf = "storefront.domain_urls"
        return self.get_response(request)
