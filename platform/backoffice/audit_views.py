"""The operator's audit log: every change and every read of sensitive data, filtered."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.generic import ListView

from audit.selectors import audit_event_list


class AuditListView(ListView):
    template_name = "backoffice/audit_list.html"
    context_object_name = "events"
    paginate_by = 100
    paginator_class = Paginator

    def get_queryset(self):
        params = self.request.GET
        return audit_event_list(
            actor=params.get("actor", "").strip(),
            action=params.get("action", "").strip(),
            target=params.get("target", "").strip(),
            since=self._date("since"),
            until=self._date("until"),
        )

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
        context["filters"] = {k: self.request.GET.get(k, "") for k in ("actor", "action", "target", "since", "until")}
        return context
