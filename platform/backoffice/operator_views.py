"""Operator accounts in the back-office: the staff users, suspend or reactivate one with a reason.

Thin: the rules (never yourself, never the last active operator) live in `parties.operator_services`.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from parties.operator_services import operator_list, operator_set_active


class OperatorListView(ListView):
    template_name = "backoffice/operator_list.html"
    context_object_name = "operators"
    paginate_by = 50

    def get_queryset(self):
        return operator_list(search=self.request.GET.get("q", "").strip())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["q"] = self.request.GET.get("q", "").strip()
        return context


class OperatorStatusView(View):
    def post(self, request, pk):
        operator = get_object_or_404(get_user_model(), pk=pk, is_staff=True)
        active = request.POST.get("active") == "1"
        try:
            operator_set_active(actor=request.user, operator=operator, active=active,
                                reason=request.POST.get("reason", ""))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, (_("%(user)s is active again.") if active else
                                       _("%(user)s is suspended and can no longer sign in."))
                             % {"user": operator.get_username()})
        return redirect("dashboard:mp-operator-list")
