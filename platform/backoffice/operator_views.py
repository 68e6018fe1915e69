"""Operator accounts in the back-office: the staff users, suspend or reactivate one with a reason, and make one a
CMS editor (Wagtail) or not.

Thin: the rules (never yourself, never the last active operator) live in `parties.operator_services`; who may
edit the website's pages in `cms.editors`. The editor toggle posts to the list's own URL (`cms_editor=1/0`).
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from cms.editors import EDITORS_GROUP, cms_editor_set
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
        context["editor_ids"] = set(get_user_model().objects.filter(groups__name=EDITORS_GROUP)
                                    .values_list("pk", flat=True))
        return context

    def post(self, request):
        """Turn CMS editing on (`cms_editor=1`) or off for the operator `operator` (a pk)."""
        user = get_object_or_404(get_user_model(), pk=request.POST.get("operator") or 0)
        editor = request.POST.get("cms_editor") == "1"
        try:
            cms_editor_set(user=user, editor=editor, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, (_("%(user)s can now edit the website's pages in the CMS.") if editor else
                                       _("%(user)s can no longer edit the website's pages."))
                             % {"user": user.get_username()})
        return redirect("dashboard:mp-operator-list")


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
