"""The operator's audit log: every change and every read of sensitive data, filtered by who, party, object, action
and date. Bad filter input is named in a message and that filter is left out; the rest still apply."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.generic import ListView

from audit.selectors import AuditFilters, audit_event_list
from parties.models import PartyKind

TEXT_FILTERS = ("actor", "party_type", "party", "object_type", "object_id", "target", "action", "since", "until")


class AuditListView(ListView):
    template_name = "backoffice/audit_list.html"
    context_object_name = "events"
    paginate_by = 100
    paginator_class = Paginator

    def get_queryset(self):
        params = self.request.GET
        since, until = self._date("since"), self._date("until")
        if since and until and since > until:
            messages.error(self.request, _("The range from %(since)s to %(until)s ends before it starts; the dates "
                                           "were not applied.") % {"since": since, "until": until})
            since = until = None
        return audit_event_list(AuditFilters(
            actor=params.get("actor", "").strip(),
            party_type=params.get("party_type", "").strip(),
            party=params.get("party", "").strip(),
            object_type=params.get("object_type", "").strip(),
            object_id=params.get("object_id", "").strip(),
            target=params.get("target", "").strip(),
            action=params.get("action", "").strip(),
            reads_only=params.get("reads") == "1",
            since=since,
            until=until,
        ))

    def _date(self, name):
        raw = self.request.GET.get(name, "").strip()
        if not raw:
            return None
        try:
            value = parse_date(raw)
        except ValueError:
            value = None
        if value is None:
            messages.error(self.request, _("“%(value)s” is not a date (use YYYY-MM-DD); that filter was ignored.")
                           % {"value": raw})
        return value

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filters"] = {k: self.request.GET.get(k, "") for k in TEXT_FILTERS}
        context["filters"]["reads"] = self.request.GET.get("reads") == "1"
        context["party_types"] = PartyKind.choices
        return context
