"""Bridge Django's authentication signals to explicit audit records."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from audit.services import audit_record


@receiver(user_logged_in, dispatch_uid="mp_audit_login")
def _logged_in(sender, request, user, **kwargs):
    audit_record(action="auth.login", actor=user, target=user)


@receiver(user_logged_out, dispatch_uid="mp_audit_logout")
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(action="auth.logout", actor=user, target=user)


@receiver(user_login_failed, dispatch_uid="mp_audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    audit_record(action="auth.login_failed", changes={"username": str(credentials.get("username", ""))[:150]},
                 actor_label=str(credentials.get("username", ""))[:150])
