"""The store's storefront page: owners and managers set the logo, banner, tagline and About text."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView

from storeadmin.managers import ManagerFormMixin
from storeadmin.views import StoreAdminPortalMixin
from storefront.models import StoreProfile
from storefront.services import store_profile_update


class ProfileForm(forms.Form):
    tagline = forms.CharField(label=_("Tagline"), max_length=140, required=False)
    about = forms.CharField(label=_("About the store"), widget=forms.Textarea(attrs={"rows": 5}), required=False)
    logo = forms.ImageField(label=_("Logo"), required=False)
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)
    banner = forms.ImageField(label=_("Banner"), required=False)
    remove_banner = forms.BooleanField(label=_("Remove the banner"), required=False)


class StorefrontProfileView(StoreAdminPortalMixin, ManagerFormMixin, FormView):
    refusal = _("Only the store's owner or a manager can change the storefront.")
    template_name = "storeadmin/storefront_profile.html"
    form_class = ProfileForm

    def profile(self):
        return StoreProfile.objects.filter(store=self.membership.store).first()

    def get_initial(self):
        profile = self.profile()
        return {"tagline": profile.tagline, "about": profile.about} if profile else {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["profile"] = self.profile()
        return context

    def save(self, form):
        data = form.cleaned_data
        try:
            store_profile_update(store=self.membership.store, tagline=data["tagline"], about=data["about"],
                                 logo=data["logo"], banner=data["banner"], remove_logo=data["remove_logo"],
                                 remove_banner=data["remove_banner"], actor=self.request.user)
        except ValidationError as error:
            for field, messages_ in error.message_dict.items():
                for message in messages_:
                    form.add_error(field if field in form.fields else None, message)
            return self.form_invalid(form)
        messages.success(self.request, _("Storefront saved."))
        return redirect("storeadmin:storefront")
