"""A distributor applies through a team invitation link and, once approved, joins the inviter's team."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from distributor.models import TeamInvitation, TeamLink
from distributor.services import team_invitation_create, team_join
from onboarding.models import Application
from onboarding.services import application_approve
from parties.models import Distributor
from tests.test_onboarding import form_data

User = get_user_model()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def operator():
    return User.objects.get(email="operator@demo.test")


@pytest.fixture
def invitation(demo) -> TeamInvitation:
    return team_invitation_create(actor=operator(), distributor=Distributor.objects.get(slug="harbor-goods"),
                                  note="Jade Hill")


def apply_url(kind: str, token: str | None = None) -> str:
    url = reverse(f"onboarding:apply-{kind}")
    return f"{url}?invitation={token}" if token is not None else url


def submit(capture, kind="distributor", token=None, **overrides) -> Application:
    """Post the form to the page the link opened (the form posts back to its own address)."""
    with capture(execute=True):
        response = Client().post(apply_url(kind, token), form_data(**overrides))
    assert response.status_code == 302, response.content.decode()[:2000]
    return Application.objects.get(email=form_data(**overrides)["email"], kind=kind, status="submitted")


def use_up(invitation: TeamInvitation) -> Distributor:
    """Someone else joins through the link first."""
    other = Distributor.objects.create(name="Early Bird Trading", slug="early-bird-trading")
    team_join(actor=operator(), token=invitation.token, distributor=other)
    return other


def approve(client, application: Application, capture):
    with capture(execute=True):
        return client.post(reverse("dashboard:mp-application-approve", kwargs={"pk": application.pk}),
                           {"plan": ""}, follow=True)


def test_form_opened_from_an_invitation_says_who_invited(invitation):
    page = Client().get(apply_url("distributor", invitation.token)).content.decode()
    assert 'id="team-invitation"' in page and "You were invited by Harbor Goods" in page
    assert 'id="team-invitation-refused"' not in page


@pytest.mark.parametrize("used", [False, True])
def test_unknown_or_used_invitation_is_explained_and_the_application_goes_ahead_without_it(
        used, invitation, django_capture_on_commit_callbacks):
    token = invitation.token if used else "no-such-invitation"
    if used:
        use_up(invitation)
    page = Client().get(apply_url("distributor", token)).content.decode()
    assert 'id="team-invitation-refused"' in page and "not valid or has already been used" in page
    assert "You were invited by" not in page
    application = submit(django_capture_on_commit_callbacks, token=token)
    assert application.team_invitation_token == ""


def test_supplier_applications_ignore_invitations(invitation, django_capture_on_commit_callbacks):
    page = Client().get(apply_url("supplier", invitation.token)).content.decode()
    assert "invited" not in page and 'id="team-invitation-refused"' not in page
    application = submit(django_capture_on_commit_callbacks, kind="supplier", token=invitation.token)
    assert application.team_invitation_token == ""


def test_approving_an_invited_distributor_puts_it_in_the_inviters_team(
        invitation, signed_in, django_capture_on_commit_callbacks):
    application = submit(django_capture_on_commit_callbacks, token=invitation.token)
    assert application.team_invitation_token == invitation.token
    submitted = AuditEvent.objects.get(action="application.submit", target_id=str(application.pk))
    assert submitted.changes["invited_by"] == invitation.inviter_id and invitation.token not in str(submitted.changes)
    status = Client().get(reverse("onboarding:status", kwargs={"token": application.token})).content.decode()
    assert 'id="team-inviter">Harbor Goods<' in status

    back_office = signed_in("operator@demo.test")
    detail = reverse("dashboard:mp-application-detail", kwargs={"pk": application.pk})
    page = back_office.get(detail).content.decode()
    assert "Invited by Harbor Goods" in page and "Approving adds the new distributor to this team." in page

    page = approve(back_office, application, django_capture_on_commit_callbacks).content.decode()
    application.refresh_from_db()
    new = application.distributor
    assert application.status == "approved" and application.team_join_problem == ""
    assert "joined the team of Harbor Goods" in page
    link = TeamLink.objects.get(distributor=new)
    assert link.upline.slug == "harbor-goods"
    invitation.refresh_from_db()
    assert invitation.used_by == new and invitation.used_at is not None
    assert AuditEvent.objects.filter(action="team.join", target_id=str(new.pk),
                                     actor_label="operator@demo.test").exists()
    approved = AuditEvent.objects.get(action="application.approve", target_id=str(application.pk))
    assert approved.changes["upline"] == invitation.inviter_id
    assert "Joined the team of Harbor Goods." in back_office.get(detail).content.decode()


def test_invitation_used_meanwhile_approves_with_a_warning_and_no_team(
        invitation, signed_in, django_capture_on_commit_callbacks):
    application = submit(django_capture_on_commit_callbacks, token=invitation.token)
    other = use_up(invitation)

    back_office = signed_in("operator@demo.test")
    detail = reverse("dashboard:mp-application-detail", kwargs={"pk": application.pk})
    assert "The invitation was used meanwhile" in back_office.get(detail).content.decode()
    page = approve(back_office, application, django_capture_on_commit_callbacks).content.decode()
    assert "is approved" in page
    assert "did not join the team it was invited to: This invitation has already been used." in page
    application.refresh_from_db()
    assert application.status == "approved" and application.distributor is not None
    assert application.team_join_problem == "This invitation has already been used."
    assert not TeamLink.objects.filter(distributor=application.distributor).exists()
    invitation.refresh_from_db()
    assert invitation.used_by == other, "the earlier use stands"
    approved = AuditEvent.objects.get(action="application.approve", target_id=str(application.pk))
    assert approved.changes["team_join_problem"] == "This invitation has already been used."
    assert "Joining the team failed at approval" in back_office.get(detail).content.decode()


def test_a_deleted_invitation_is_reported_too(invitation, django_capture_on_commit_callbacks):
    application = submit(django_capture_on_commit_callbacks, token=invitation.token)
    invitation.delete()
    approved = application_approve(actor=operator(), application=application)
    assert approved.status == "approved"
    assert approved.team_join_problem == "This invitation link is not valid."
    assert not TeamLink.objects.filter(distributor=approved.distributor).exists()


def test_the_team_join_rolls_back_with_a_failed_approval(invitation, monkeypatch,
                                                        django_capture_on_commit_callbacks):
    """The join is part of the approval's transaction: an approval that fails late leaves no team link."""
    from onboarding import services

    application = submit(django_capture_on_commit_callbacks, token=invitation.token)
    real_audit = services.audit_record

    def failing_audit(*, action, **kwargs):
        if action == "application.approve":
            raise RuntimeError("audit store unavailable")
        return real_audit(action=action, **kwargs)

    monkeypatch.setattr(services, "audit_record", failing_audit)
    with pytest.raises(RuntimeError):
        application_approve(actor=operator(), application=application)
    invitation.refresh_from_db()
    application.refresh_from_db()
    assert invitation.used_at is None and not TeamLink.objects.filter(distributor__name="Jade Hill Tea").exists()
    assert application.status == "submitted" and not Distributor.objects.filter(name="Jade Hill Tea").exists()
