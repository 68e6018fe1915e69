"""Store settings pages only the store's owner or a manager may change (staff see them read-only)."""

from django.utils.translation import gettext_lazy as _

from parties.models import LEADING_ROLES


class ManagerFormMixin:
    """For a store admin FormView: `may_edit` in the context; a staff member's POST is refused, nothing saved."""

    refusal = _("Only the store's owner or a manager can change this.")

    def may_edit(self) -> bool:
        return self.membership.role in LEADING_ROLES

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(store=self.membership.store, may_edit=self.may_edit())
        return context

    def form_valid(self, form):
        if not self.may_edit():
            form.add_error(None, self.refusal)
            return self.form_invalid(form)
        return self.save(form)
