"""API token pages of the supplier and store admin portals (the same views, bound to each portal's mixin).

The key of a new token is rendered once, straight from the POST that made it: it is never put in the session, a
message or the database (only its hash is kept), so a reload or a later visit cannot show it again.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from api.models import ApiToken
from api.tokens import api_token_create, api_token_revoke
from parties.models import Supplier
from parties.scoping import scoped


class TokenPagesMixin:
    namespace = ""

    def tokens(self):
        """The acting party's own tokens (a supplier's page does not list its flagship stores' tokens)."""
        party = self.membership.party
        own = {"supplier": party} if isinstance(party, Supplier) else {"store": party}
        return scoped(ApiToken.objects.filter(**own).select_related("created_by", "revoked_by"), scope=self.scope)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(namespace=self.namespace, access_choices=ApiToken.Access.choices)
        return context


class TokenListBase(TokenPagesMixin, TemplateView):
    """Every token of the acting supplier or store, revoked ones included; a form to make one."""

    template_name = "api/token_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("tokens", list(self.tokens()))
        context.setdefault("values", {"access": ApiToken.Access.READ})
        return context


class TokenCreateBase(TokenPagesMixin, TemplateView):
    """POST: make a token; the answer is the one page that shows its key."""

    template_name = "api/token_list.html"
    http_method_names = ["get", "post"]

    def get(self, request, *args, **kwargs):
        return redirect(f"{self.namespace}:api-token-list")

    def post(self, request, *args, **kwargs):
        values = {"name": request.POST.get("name", "").strip(), "access": request.POST.get("access", "")}
        try:
            token, key = api_token_create(party=self.membership.party, name=values["name"], access=values["access"],
                                          actor=request.user)
        except ValidationError as refused:
            return self.render_to_response(self.get_context_data(values=values, errors=refused.messages), status=400)
        response = self.render_to_response(self.get_context_data(new_token=token, new_key=key))
        response["Cache-Control"] = "no-store"
        return response


class TokenRevokeBase(TokenPagesMixin, TemplateView):
    """GET asks for confirmation; POST revokes. Another party's token is a 404."""

    template_name = "api/token_revoke.html"

    def get_token(self):
        return get_object_or_404(self.tokens(), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["token"] = self.get_token()
        return context

    def post(self, request, *args, **kwargs):
        token = self.get_token()
        was_active = token.is_active
        api_token_revoke(token=token, actor=request.user)
        if was_active:
            messages.success(request, _("The token “%(name)s” is revoked: it no longer works.") % {"name": token.name})
        else:
            messages.info(request, _("The token “%(name)s” was already revoked.") % {"name": token.name})
        return redirect(f"{self.namespace}:api-token-list")


PAGES = {"api-token-list": TokenListBase, "api-token-create": TokenCreateBase, "api-token-revoke": TokenRevokeBase}
