"""Onboarding: a company applies, the operator approves or rejects, the new owner signs in."""

import io
import re
from urllib.parse import urlparse

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from oscar.core.loading import get_model
from PIL import Image

from audit.models import AuditEvent
from onboarding.models import Application
from onboarding.services import application_approve, application_reject
from onboarding.validators import MAX_LICENCE_BYTES
from parties.models import Distributor, Membership, Plan, Role, Supplier

Partner = get_model("partner", "Partner")
User = get_user_model()

NEW_PASSWORD = "Jade-hill-tea-2026"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploaded licences land in a throwaway folder, so the test can see what was (not) written."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def png(size=(60, 40), pad_to: int = 0) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "#f7f1e3").save(buffer, format="PNG")
    data = buffer.getvalue()
    return data + b"\0" * max(0, pad_to - len(data))


def gif() -> bytes:
    buffer = io.BytesIO()
    Image.new("P", (20, 20)).save(buffer, format="GIF")
    return buffer.getvalue()


def licence(data: bytes | None = None, name: str = "licence.png", content_type: str = "image/png"):
    return SimpleUploadedFile(name, png() if data is None else data, content_type=content_type)


def form_data(**overrides) -> dict:
    data = {
        "company_name": "Jade Hill Tea",
        "company_name_zh": "玉山茶业",
        "contact_name": "Wu Lan",
        "email": "wu@jadehill.test",
        "phone": "+86 138 0013 8000",
        "licence_number": "91330100MA2J0001A",
        "licence_image": licence(),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def apply(client, kind="supplier", **overrides):
    return client.post(reverse(f"onboarding:apply-{kind}"), form_data(**overrides))


def submit(django_capture_on_commit_callbacks, kind="supplier", **overrides) -> Application:
    with django_capture_on_commit_callbacks(execute=True):
        response = apply(Client(), kind, **overrides)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Application.objects.get(email__iexact=form_data(**overrides)["email"], kind=kind, status="submitted")


def operator():
    return User.objects.get(email="operator@demo.test")


def link_in(body: str, path_part: str) -> str:
    match = re.search(rf"https?://\S*{re.escape(path_part)}\S*", body)
    assert match, f"no link containing {path_part} in:\n{body}"
    return match.group(0)


def test_apply_approve_then_owner_sets_password_and_lands_in_supplier_portal(
        signed_in, mailoutbox, django_capture_on_commit_callbacks):
    applicant = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = apply(applicant)
    application = Application.objects.get(email="wu@jadehill.test")
    status_path = reverse("onboarding:status", kwargs={"token": application.token})
    assert response.status_code == 302 and response["Location"] == status_path
    confirmation = applicant.get(status_path).content.decode()
    assert "we received your application" in confirmation
    assert f"http://testserver{status_path}" in confirmation, "the confirmation shows the status link"
    assert "Waiting for review" in confirmation
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["wu@jadehill.test"]
    assert urlparse(link_in(mailoutbox[0].body, "/apply/status/")).path == status_path

    back_office = signed_in("operator@demo.test")
    queue = back_office.get(reverse("dashboard:mp-application-list")).content.decode()
    assert "Jade Hill Tea" in queue
    detail = back_office.get(reverse("dashboard:mp-application-detail", kwargs={"pk": application.pk}))
    page = detail.content.decode()
    for shown in ("Jade Hill Tea", "玉山茶业", "Wu Lan", "wu@jadehill.test", "+86 138 0013 8000",
                  "91330100MA2J0001A", reverse("dashboard:mp-application-licence", kwargs={"pk": application.pk})):
        assert shown in page
    image = back_office.get(reverse("dashboard:mp-application-licence", kwargs={"pk": application.pk}))
    assert image["Content-Type"] == "image/png"
    assert b"".join(image.streaming_content) == png()

    pro = Plan.objects.get(code="pro")
    with django_capture_on_commit_callbacks(execute=True):
        response = back_office.post(reverse("dashboard:mp-application-approve", kwargs={"pk": application.pk}),
                                    {"plan": pro.pk}, follow=True)
    assert "Jade Hill Tea is approved" in response.content.decode()
    supplier = Supplier.objects.get(name="Jade Hill Tea")
    assert supplier.name_zh == "玉山茶业" and supplier.plan == pro and supplier.slug == "jade-hill-tea"
    assert Partner.objects.get(pk=supplier.partner_id).name == "Jade Hill Tea"
    owner = User.objects.get(email="wu@jadehill.test")
    assert owner.username == "wu@jadehill.test" and not owner.has_usable_password()
    assert Membership.objects.get(user=owner).supplier == supplier
    assert Membership.objects.get(user=owner).role == Role.OWNER
    application.refresh_from_db()
    assert application.status == "approved" and application.supplier == supplier
    assert application.decided_by == operator() and application.decided_at is not None
    assert AuditEvent.objects.filter(action="application.approve", target_id=str(application.pk),
                                     actor_label="operator@demo.test").exists()
    assert AuditEvent.objects.get(action="supplier.create", target_id=str(supplier.pk)).changes["plan"] == "pro"
    assert "Approved" in applicant.get(status_path).content.decode()

    welcome = mailoutbox[-1]
    assert welcome.to == ["wu@jadehill.test"] and "approved" in welcome.subject
    reset_path = urlparse(link_in(welcome.body, "/password-reset/confirm/")).path
    owner_client = Client()
    response = owner_client.get(reset_path)
    assert response.status_code == 302, "a valid link moves on to the set-password form"
    form_page = owner_client.get(response["Location"])
    assert form_page.context["validlink"] is True
    response = owner_client.post(response["Location"], {"new_password1": NEW_PASSWORD,
                                                        "new_password2": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("password-reset-complete")
    assert Client().get(reset_path, follow=True).context["validlink"] is False, "the link works once"

    fresh = Client()
    response = fresh.post("/login/", {"username": "wu@jadehill.test", "password": NEW_PASSWORD})
    assert response.status_code == 302
    landing = fresh.get("/portal/", follow=True)
    assert landing.redirect_chain[-1][0] == "/supplier/"
    assert "Jade Hill Tea" in landing.content.decode()


def test_approved_distributor_gets_the_default_plan_and_its_portal(
        signed_in, mailoutbox, django_capture_on_commit_callbacks):
    application = submit(django_capture_on_commit_callbacks, kind="distributor", company_name="Peach Blossom Shops",
                         company_name_zh="", email="Owner@PeachBlossom.test")
    assert application.email == "owner@peachblossom.test", "e-mail addresses are kept in lower case"
    with django_capture_on_commit_callbacks(execute=True):
        signed_in("operator@demo.test").post(
            reverse("dashboard:mp-application-approve", kwargs={"pk": application.pk}), {"plan": ""})
    distributor = Distributor.objects.get(name="Peach Blossom Shops")
    assert distributor.plan == Plan.objects.get(is_default=True)
    assert Membership.objects.get(user__email="owner@peachblossom.test").distributor == distributor
    reset_path = urlparse(link_in(mailoutbox[-1].body, "/password-reset/confirm/")).path
    client = Client()
    set_password = client.get(reset_path)["Location"]
    client.post(set_password, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert client.login(username="owner@peachblossom.test", password=NEW_PASSWORD)
    assert client.get("/portal/", follow=True).redirect_chain[-1][0] == "/distributor/"


def test_same_company_name_gets_a_free_slug(demo):
    application = Application.objects.get(email="hello@mountainspring.test")
    Supplier.objects.filter(slug="golden-grain").update(slug="mountain-spring-drinks")
    Partner.objects.create(name="Someone else", code="mountain-spring-drinks-2")
    supplier = application_approve(actor=operator(), application=application).supplier
    assert supplier.slug == "mountain-spring-drinks-3", "free among suppliers and oscar partner codes"
    assert Partner.objects.get(pk=supplier.partner_id).code == "mountain-spring-drinks-3"


def test_reject_with_reason_is_shown_to_the_applicant_and_mailed(
        signed_in, mailoutbox, django_capture_on_commit_callbacks):
    application = submit(django_capture_on_commit_callbacks)
    reason = "The licence image is blurred; upload a sharper photo."
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in("operator@demo.test").post(
            reverse("dashboard:mp-application-reject", kwargs={"pk": application.pk}), {"reason": reason},
            follow=True)
    assert "is rejected" in response.content.decode()
    application.refresh_from_db()
    assert application.status == "rejected" and application.reject_reason == reason
    assert not Supplier.objects.filter(name="Jade Hill Tea").exists()
    assert not User.objects.filter(email="wu@jadehill.test").exists()
    event = AuditEvent.objects.get(action="application.reject", target_id=str(application.pk))
    assert event.changes["reason"] == reason and event.actor_label == "operator@demo.test"
    page = Client().get(reverse("onboarding:status", kwargs={"token": application.token})).content.decode()
    assert "Rejected" in page and "The licence image is blurred; upload a sharper photo." in page
    assert mailoutbox[-1].to == ["wu@jadehill.test"] and reason in mailoutbox[-1].body
    assert apply(Client()).status_code == 302, "after a rejection the company may apply again"


def test_reject_without_reason_changes_nothing(signed_in, mailoutbox, django_capture_on_commit_callbacks):
    application = submit(django_capture_on_commit_callbacks)
    sent = len(mailoutbox)
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in("operator@demo.test").post(
            reverse("dashboard:mp-application-reject", kwargs={"pk": application.pk}), {"reason": "   "},
            follow=True)
    assert "Give a reason for the rejection" in response.content.decode()
    application.refresh_from_db()
    assert application.status == "submitted" and application.decided_by is None
    assert not AuditEvent.objects.filter(action="application.reject").exists()
    assert len(mailoutbox) == sent


def test_deciding_twice_is_refused_and_changes_nothing(signed_in, django_capture_on_commit_callbacks):
    application = submit(django_capture_on_commit_callbacks)
    client = signed_in("operator@demo.test")
    approve = reverse("dashboard:mp-application-approve", kwargs={"pk": application.pk})
    client.post(approve, {"plan": ""})
    second = client.post(approve, {"plan": ""}, follow=True).content.decode()
    assert "already approved by operator@demo.test" in second
    rejected = client.post(reverse("dashboard:mp-application-reject", kwargs={"pk": application.pk}),
                           {"reason": "Changed my mind"}, follow=True).content.decode()
    assert "already approved" in rejected
    application.refresh_from_db()
    assert application.status == "approved" and application.reject_reason == ""
    assert Supplier.objects.filter(name="Jade Hill Tea").count() == 1
    assert Membership.objects.filter(user__email="wu@jadehill.test").count() == 1
    assert AuditEvent.objects.filter(action__startswith="application.approve").count() == 1
    with pytest.raises(ValidationError, match="already approved"):
        application_approve(actor=operator(), application=application)
    with pytest.raises(ValidationError, match="already approved"):
        application_reject(actor=operator(), application=application, reason="late")


def test_approving_for_an_e_mail_that_meanwhile_got_a_role_is_refused(demo):
    application = Application.objects.get(email="hello@mountainspring.test")
    user = User.objects.create_user(username="hello@mountainspring.test", email="hello@mountainspring.test")
    Membership.objects.create(user=user, store=Distributor.objects.get(slug="harbor-goods").stores.first())
    with pytest.raises(ValidationError, match="meanwhile got a portal role"):
        application_approve(actor=operator(), application=application)
    application.refresh_from_db()
    assert application.status == "submitted"
    assert not Supplier.objects.filter(name="Mountain Spring Drinks").exists()


def test_a_shopper_account_with_the_applicants_e_mail_becomes_the_owner(demo):
    shopper = User.objects.get(email="shopper@demo.test")
    application = Application.objects.get(email="hello@mountainspring.test")
    Application.objects.filter(pk=application.pk).update(email="shopper@demo.test")
    application.refresh_from_db()
    approved = application_approve(actor=operator(), application=application)
    assert Membership.objects.get(user=shopper).supplier == approved.supplier
    shopper.refresh_from_db()
    assert shopper.has_usable_password(), "an existing account keeps its password"


BAD_INPUTS = [
    pytest.param({"company_name": ""}, "company_name", "This field is required", id="no-company"),
    pytest.param({"contact_name": "  "}, "contact_name", "This field is required", id="no-contact"),
    pytest.param({"email": ""}, "email", "This field is required", id="no-email"),
    pytest.param({"phone": ""}, "phone", "This field is required", id="no-phone"),
    pytest.param({"licence_number": ""}, "licence_number", "This field is required", id="no-licence-number"),
    pytest.param({"licence_image": None}, "licence_image", "This field is required", id="no-licence-image"),
    pytest.param({"email": "wu-at-jadehill"}, "email", "valid email address", id="bad-email"),
    pytest.param({"phone": "call me maybe"}, "phone", "Enter a phone number", id="bad-phone"),
    pytest.param({"licence_image": licence(b"%PDF-1.4 not an image at all", name="licence.png")},
                 "licence_image", "not a readable image", id="not-an-image"),
    pytest.param({"licence_image": licence(b"GIF89a" + b"\0" * 64, name="licence.gif", content_type="image/gif")},
                 "licence_image", "not a readable image", id="broken-gif"),
    pytest.param({"licence_image": licence(gif(), name="licence.gif", content_type="image/gif")},
                 "licence_image", "is a GIF file; upload it as a JPEG, PNG or WebP", id="gif"),
    pytest.param({"licence_image": licence(png(pad_to=MAX_LICENCE_BYTES + 1))},
                 "licence_image", "the limit is 5.0\xa0MB", id="just-over-5MB"),
    pytest.param({"licence_image": licence(b"\0" * (50 * 1024 * 1024), name="licence.jpg",
                                           content_type="image/jpeg")},
                 "licence_image", "The licence image is 50.0\xa0MB", id="50MB"),
    pytest.param({"email": "supplier@demo.test"}, "email", "already belongs to an account with a portal role",
                 id="member-e-mail"),
    pytest.param({"email": "Supplier@Demo.TEST"}, "email", "already belongs to an account with a portal role",
                 id="member-e-mail-other-case"),
]


@pytest.mark.parametrize(("overrides", "field", "message"), BAD_INPUTS)
def test_bad_input_gets_a_clear_field_error_and_saves_nothing(overrides, field, message, demo, media):
    before = Application.objects.count()
    response = apply(Client(), **overrides)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert message in " ".join(errors.get(field, [])), errors
    assert message in response.content.decode().replace("&nbsp;", "\xa0")
    assert Application.objects.count() == before
    assert not (media / "licences").exists() or not any((media / "licences").iterdir()), "no file was stored"


def test_an_image_of_exactly_5MB_is_accepted(demo):
    assert apply(Client(), licence_image=licence(png(pad_to=MAX_LICENCE_BYTES))).status_code == 302


def test_second_open_application_for_the_same_e_mail_and_kind_is_refused(demo, django_capture_on_commit_callbacks):
    submit(django_capture_on_commit_callbacks)
    response = apply(Client(), company_name="Jade Hill Tea Again", email="WU@jadehill.test")
    assert response.status_code == 200
    assert "is already waiting for review" in " ".join(response.context["form"].errors["email"])
    assert Application.objects.filter(email="wu@jadehill.test").count() == 1
    assert apply(Client(), kind="distributor").status_code == 302, "the other kind is a separate application"


def test_submission_is_audited_without_the_token(demo, django_capture_on_commit_callbacks):
    application = submit(django_capture_on_commit_callbacks)
    event = AuditEvent.objects.get(action="application.submit", target_id=str(application.pk))
    assert event.changes == {"kind": "supplier", "email": "wu@jadehill.test"}
    assert application.token not in str(event.changes) + event.target_repr + event.path


def test_uploaded_licence_gets_a_random_name(demo, django_capture_on_commit_callbacks):
    first = submit(django_capture_on_commit_callbacks)
    second = submit(django_capture_on_commit_callbacks, email="other@jadehill.test")
    assert re.fullmatch(r"licences/[0-9a-f]{32}\.png", first.licence_image.name)
    assert first.licence_image.name != second.licence_image.name


def test_unknown_status_token_is_404(demo):
    response = Client().get(reverse("onboarding:status", kwargs={"token": "no-such-token-at-all"}))
    assert response.status_code == 404


@pytest.mark.parametrize("email", ["supplier@demo.test", "distributor@demo.test", "storeadmin@demo.test",
                                   "shopper@demo.test"])
def test_non_staff_cannot_see_or_decide_the_queue(email, signed_in):
    client = signed_in(email)
    application = Application.objects.get(email="hello@mountainspring.test")
    assert client.get(reverse("dashboard:mp-application-list")).status_code == 404
    for name in ("mp-application-detail", "mp-application-licence"):
        assert client.get(reverse(f"dashboard:{name}", kwargs={"pk": application.pk})).status_code == 404
    response = client.post(reverse("dashboard:mp-application-approve", kwargs={"pk": application.pk}), {"plan": ""})
    assert response.status_code == 404
    application.refresh_from_db()
    assert application.status == "submitted"


def test_anonymous_visitors_are_sent_to_sign_in(demo):
    response = Client().get(reverse("dashboard:mp-application-list"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_queue_filters_by_status_and_kind(signed_in):
    client = signed_in("operator@demo.test")
    url = reverse("dashboard:mp-application-list")
    waiting = client.get(url).content.decode()
    assert "Mountain Spring Drinks" in waiting and "Lotus Market" in waiting
    assert "Quick Deals Trading" not in waiting, "the queue opens on applications waiting for review"
    rejected = client.get(url, {"status": "rejected"}).content.decode()
    assert "Quick Deals Trading" in rejected and "Mountain Spring Drinks" not in rejected
    distributors = client.get(url, {"status": "all", "kind": "distributor"}).content.decode()
    assert "Lotus Market" in distributors and "Quick Deals Trading" in distributors
    assert "Mountain Spring Drinks" not in distributors


def test_operator_finds_applications_and_plans_in_the_platform_menu(signed_in):
    page = signed_in("operator@demo.test").get(reverse("dashboard:index")).content.decode()
    assert reverse("dashboard:mp-application-list") in page and reverse("dashboard:mp-plan-list") in page


@pytest.mark.parametrize("path", ["/login/", "/"])
def test_sign_in_and_home_pages_link_to_the_application_forms(path, demo):
    page = Client().get(path).content.decode()
    assert reverse("onboarding:apply-supplier") in page and reverse("onboarding:apply-distributor") in page


def test_application_forms_are_public_and_phone_first(demo):
    for kind in ("supplier", "distributor"):
        response = Client().get(reverse(f"onboarding:apply-{kind}"))
        page = response.content.decode()
        assert response.status_code == 200
        assert 'name="viewport"' in page and 'type="tel"' in page and 'enctype="multipart/form-data"' in page
        assert f"Apply as a {kind}" in page


def test_queue_and_plan_pages_do_constant_queries(signed_in):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in("operator@demo.test")

    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, {"status": "all"}).status_code == 200
        return len(captured)

    url = reverse("dashboard:mp-application-list")
    before = queries(url)
    for n in range(10):
        Application.objects.create(kind="supplier", company_name=f"Bulk {n}", contact_name="A", phone="+86 1",
                                   email=f"bulk{n}@example.test", licence_number="X", licence_image="licences/x.png",
                                   status="rejected", reject_reason="r", decided_by=operator())
    assert queries(url) == before
