"""Operator pages for distribution: the price ceiling, the team bonus rules (with a preview) and the teams.

Thin: parse the request, call distributor.services or a selector, say what happened. Staff only (see
backoffice.apps); none of these URLs takes an object id.
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from backoffice.distribution_forms import BonusPreviewForm, BonusRulesForm, PriceCeilingForm
from backoffice.distribution_selectors import bonus_rule_versions, team_places
from backoffice.views import OPERATOR, SearchListView
from distributor.selectors import bonus_rules_at, price_policy, team_bonus_shares
from distributor.services import BonusRulesError, ListingError, bonus_rules_publish, price_policy_update
from parties.selectors import distributor_list


class PriceCeilingView(FormView):
    template_name = "backoffice/price_ceiling.html"
    form_class = PriceCeilingForm

    def get_initial(self):
        return {"max_over_suggested_percent": price_policy().max_over_suggested_percent}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["policy"] = price_policy()
        return context

    def form_valid(self, form):
        try:
            result = price_policy_update(actor=self.request.user, **form.cleaned_data)
        except ListingError as error:
            form.add_error(None, error.problems)
            return self.form_invalid(form)
        messages.success(self.request, _(
            "The ceiling is now %(percent)s%% over the suggested retail price. %(examined)s listings checked: "
            "%(repriced)s repriced, %(flagged)s newly flagged above the ceiling or below a floor, %(cleared)s "
            "back in band.") % {"percent": form.cleaned_data["max_over_suggested_percent"],
                               "examined": result.examined, "repriced": result.repriced,
                               "flagged": result.newly_flagged, "cleared": result.cleared})
        return redirect("dashboard:mp-price-ceiling")


class BonusRulesView(TemplateView):
    """Every version of the bonus rules, a form to publish the next one, and a preview of one sale's bonuses."""

    template_name = "backoffice/bonus_rules.html"
    preview_prefix = "preview"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        context.update(versions=bonus_rule_versions(), in_force=bonus_rules_at(when=now),
                       form=kwargs.get("form") or BonusRulesForm())
        context.update(self._preview(now))
        return context

    def _preview(self, now) -> dict:
        distributors = distributor_list(scope=OPERATOR)
        asked = any(key.startswith(f"{self.preview_prefix}-") for key in self.request.GET)
        form = BonusPreviewForm(self.request.GET if asked else None, prefix=self.preview_prefix,
                                distributors=distributors)
        if not asked or not form.is_valid():
            return {"preview_form": form}
        data = form.cleaned_data
        at = data["at"] or now
        return {"preview_form": form, "preview": {
            "at": at, "seller": data["distributor"], "sale": data["sale"], "margin": data["margin"],
            "rules": bonus_rules_at(when=at),
            "shares": team_bonus_shares(seller=data["distributor"], sale=data["sale"], margin=data["margin"],
                                        placed_at=at),
        }}

    def post(self, request, *args, **kwargs):
        form = BonusRulesForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                rules = bonus_rules_publish(
                    actor=request.user, levels=data["levels"], basis=data["basis"],
                    level_percents=(data["level_1_percent"], data["level_2_percent"], data["level_3_percent"]),
                    min_monthly_sales=data["min_monthly_sales"],
                    effective_from=data["effective_from"] or timezone.now())
            except BonusRulesError as error:
                for field, message in error.problems.items():
                    form.add_error(field if field in form.fields else None, message)
            else:
                messages.success(request, _("Bonus rules version %(version)s are published, in force from %(when)s.")
                                 % {"version": rules.version,
                                    "when": timezone.localtime(rules.effective_from).strftime("%Y-%m-%d %H:%M")})
                return redirect("dashboard:mp-bonus-rules")
        return self.render_to_response(self.get_context_data(form=form))


class TeamListView(SearchListView):
    """Every distributor with its upline and the size of its team."""

    template_name = "backoffice/team_list.html"
    selector = distributor_list

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["places"] = team_places(distributors=context["object_list"])
        return context
