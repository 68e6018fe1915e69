"""Webhook pages, one view per page serving both the supplier and the store admin portal: `portal_view` picks the
portal's mixin by the URL namespace the request came through. The acting party is the membership's supplier or
store; every query goes through `webhooks.selectors` (scoped). Thin: parse the form, call a service, render.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from notifications.events import KINDS
from webhooks import selectors, services
from webhooks.dispatch import BACKOFF, MAX_ATTEMPTS
from webhooks.models import webhook_kinds_for


def event_choices(party) -> list[tuple[str, str]]:
    return [(code, str(KINDS[code].label)) for code in webhook_kinds_for(party)]


class WebhookPage(TemplateView):
    namespace = ""  # set by portal_view: "supplier" or "storeadmin"

    @property
    def party(self):
        return self.membership.party

    def url(self, name: str, *args) -> str:
        return reverse(f"{self.namespace}:{name}", args=args)

    def endpoint(self):
        return selectors.endpoint_get(scope=self.scope, party=self.party, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(ns=self.namespace, event_choices=event_choices(self.party))
        return context


class EndpointListView(WebhookPage):
    template_name = "webhooks/list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(endpoints=selectors.endpoint_list(scope=self.scope, party=self.party),
                                        **kwargs)


def _form(request) -> dict:
    return {"url": request.POST.get("url", ""), "description": request.POST.get("description", ""),
            "events": request.POST.getlist("events"), "is_active": request.POST.get("is_active") == "on"}


def _errors(error: ValidationError) -> dict:
    return error.message_dict if hasattr(error, "error_dict") else {"general": error.messages}


class EndpointCreateView(WebhookPage):
    """Add an endpoint; the answer shows its signing secret, once."""

    template_name = "webhooks/form.html"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("values", {"events": list(webhook_kinds_for(self.party)), "is_active": True})
        return super().get_context_data(creating=True, **kwargs)

    def post(self, request, *args, **kwargs):
        values = _form(request)
        try:
            endpoint, secret = services.webhook_endpoint_create(
                party=self.party, url=values["url"], events=values["events"], description=values["description"],
                actor=request.user)
        except ValidationError as error:
            return self.render_to_response(self.get_context_data(values=values, errors=_errors(error)))
        self.template_name = "webhooks/secret.html"
        return _not_stored(self.render_to_response(self.get_context_data(endpoint=endpoint, secret=secret,
                                                                         created=True)))


class EndpointDetailView(WebhookPage):
    template_name = "webhooks/detail.html"

    def get_context_data(self, **kwargs):
        endpoint = self.endpoint()
        return super().get_context_data(endpoint=endpoint, deliveries=selectors.delivery_list(endpoint=endpoint),
                                        backoff=BACKOFF, max_attempts=MAX_ATTEMPTS, **kwargs)


class EndpointEditView(WebhookPage):
    """Change the URL, events or active flag; or (action=rotate) rotate the secret, shown once."""

    template_name = "webhooks/form.html"

    def get_context_data(self, **kwargs):
        endpoint = self.endpoint()
        kwargs.setdefault("values", {"url": endpoint.url, "description": endpoint.description,
                                     "events": endpoint.events, "is_active": endpoint.is_active})
        return super().get_context_data(endpoint=endpoint, **kwargs)

    def post(self, request, *args, **kwargs):
        endpoint = self.endpoint()
        if request.POST.get("action") == "rotate":
            secret = services.webhook_secret_rotate(endpoint=endpoint, actor=request.user)
            self.template_name = "webhooks/secret.html"
            return _not_stored(self.render_to_response(self.get_context_data(secret=secret, created=False)))
        values = _form(request)
        try:
            services.webhook_endpoint_update(endpoint=endpoint, url=values["url"], events=values["events"],
                                             is_active=values["is_active"], description=values["description"],
                                             actor=request.user)
        except ValidationError as error:
            return self.render_to_response(self.get_context_data(values=values, errors=_errors(error)))
        messages.success(request, _("Webhook saved."))
        return redirect(self.url("webhook-detail", endpoint.pk))


class EndpointDeleteView(WebhookPage):
    template_name = "webhooks/confirm.html"

    def get_context_data(self, **kwargs):
        endpoint = self.endpoint()
        return super().get_context_data(
            endpoint=endpoint, title=_("Delete webhook"), button=_("Delete"), danger=True,
            question=_("Stop sending events to %(url)s and delete it with its delivery history?") % {
                "url": endpoint.url}, back=self.url("webhook-detail", endpoint.pk), **kwargs)

    def post(self, request, *args, **kwargs):
        endpoint = self.endpoint()
        services.webhook_endpoint_delete(endpoint=endpoint, actor=request.user)
        messages.success(request, _("Webhook %(url)s deleted.") % {"url": endpoint.url})
        return redirect(self.url("webhook-list"))


class EndpointTestView(WebhookPage):
    template_name = "webhooks/confirm.html"

    def get_context_data(self, **kwargs):
        endpoint = self.endpoint()
        return super().get_context_data(
            endpoint=endpoint, title=_("Send a test event"), button=_("Send test event"),
            question=_("Send a signed webhook.test event to %(url)s now?") % {"url": endpoint.url},
            back=self.url("webhook-detail", endpoint.pk), **kwargs)

    def post(self, request, *args, **kwargs):
        endpoint = self.endpoint()
        services.webhook_test_send(endpoint=endpoint, actor=request.user)
        messages.success(request, _("Test event queued; its delivery is listed below."))
        return redirect(self.url("webhook-detail", endpoint.pk))


class DeliveryDetailView(WebhookPage):
    template_name = "webhooks/delivery.html"

    def delivery(self):
        return selectors.delivery_get(scope=self.scope, party=self.party, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        delivery = self.delivery()
        return super().get_context_data(
            delivery=delivery, endpoint=delivery.endpoint, attempts=list(delivery.attempt_log.all()),
            body_json=json.dumps(delivery.body(), indent=2, ensure_ascii=False), **kwargs)


class DeliveryRetryView(DeliveryDetailView):
    template_name = "webhooks/confirm.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        delivery = context["delivery"]
        context.update(title=_("Retry delivery"), button=_("Retry now"),
                       question=_("Send delivery %(id)s (%(event)s) to %(url)s again now?") % {
                           "id": delivery.pk, "event": delivery.kind, "url": delivery.endpoint.url},
                       back=self.url("delivery-detail", delivery.pk))
        return context

    def post(self, request, *args, **kwargs):
        delivery = self.delivery()
        try:
            services.webhook_delivery_retry(delivery=delivery, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Delivery %(id)s will be sent again now.") % {"id": delivery.pk})
        return redirect(self.url("delivery-detail", delivery.pk))


def _not_stored(response):
    """A page showing a secret: no browser or proxy may keep a copy."""
    response["Cache-Control"] = "no-store"
    return response


PAGES = {"webhook-list": EndpointListView, "webhook-create": EndpointCreateView,
         "webhook-detail": EndpointDetailView, "webhook-edit": EndpointEditView,
         "webhook-delete": EndpointDeleteView, "webhook-test": EndpointTestView,
         "delivery-detail": DeliveryDetailView, "delivery-retry": DeliveryRetryView}
