"""E-mails to applicants, sent after the deciding transaction commits, in the applicant's language."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from onboarding.models import Application
from portal.links import absolute_url


def status_url(application: Application, *, base_url: str = "") -> str:
    return absolute_url(reverse("onboarding:status", kwargs={"token": application.token}), base_url=base_url)


def set_password_url(user, *, base_url: str = "") -> str:
    """Oscar's password-reset confirmation page, which also serves a new owner's first password."""
    path = reverse("password-reset-confirm", kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    })
    return absolute_url(path, base_url=base_url)


def _send(application: Application, *, subject: str, template: str, context: dict) -> None:
    send_mail(subject, render_to_string(template, {"application": application, **context}), None,
              [application.email])


def send_submitted(application_id: int, base_url: str) -> None:
    application = Application.objects.get(pk=application_id)
    with translation.override(application.language or settings.LANGUAGE_CODE):
        _send(application, subject=_("We received your application: %(company)s") % {
            "company": application.company_name},
            template="onboarding/email/submitted.txt",
            context={"status_url": status_url(application, base_url=base_url)})


def send_approved(application_id: int, user_id: int, base_url: str) -> None:
    application = Application.objects.get(pk=application_id)
    user = get_user_model().objects.get(pk=user_id)
    with translation.override(application.language or settings.LANGUAGE_CODE):
        _send(application, subject=_("Welcome to the marketplace: %(company)s is approved") % {
            "company": application.company_name},
            template="onboarding/email/approved.txt",
            context={"set_password_url": set_password_url(user, base_url=base_url),
                     "login_url": absolute_url(reverse("portal:login"), base_url=base_url),
                     "status_url": status_url(application, base_url=base_url)})


def send_rejected(application_id: int, base_url: str) -> None:
    application = Application.objects.get(pk=application_id)
    with translation.override(application.language or settings.LANGUAGE_CODE):
        _send(application, subject=_("Your application for %(company)s was not approved") % {
            "company": application.company_name},
            template="onboarding/email/rejected.txt",
            context={"status_url": status_url(application, base_url=base_url)})
