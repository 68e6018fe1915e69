"""CMS editors: operators given the Editors group edit and publish in Wagtail; nobody else gets in."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from tests import help_fixtures

help_centre, staff_user = help_fixtures.help_centre, help_fixtures.staff_user
pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(demo):
    return get_user_model().objects.get(email="operator@demo.test")


def _client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_staff_without_the_editor_role_cannot_open_the_cms(staff_user):
    response = _client(staff_user).get("/cms-admin/")
    assert response.status_code in (302, 403)
    assert "/cms-admin/pages/" not in response.content.decode()


def test_making_an_operator_an_editor_opens_the_cms_and_taking_it_away_closes_it(staff_user, operator,
                                                                                 help_centre):
    from audit.models import AuditEvent
    from cms.editors import cms_editor_set

    cms_editor_set(user=staff_user, editor=True, actor=operator)
    client = _client(staff_user)
    assert client.get("/cms-admin/").status_code == 200
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[help_centre.pk]))
    assert edit.status_code == 200 and "Help centre" in edit.content.decode()
    page = help_centre.get_children().first().specific
    permissions = page.permissions_for_user(staff_user)
    assert permissions.can_edit() and permissions.can_publish() and permissions.can_add_subpage() is False
    assert help_centre.permissions_for_user(staff_user).can_add_subpage()
    assert staff_user.has_perms(["wagtailimages.add_image", "wagtaildocs.add_document"])
    event = AuditEvent.objects.filter(action="cms.editor_grant").latest("pk")
    assert event.actor == operator and event.target_id == str(staff_user.pk)
    assert event.changes == {"cms_editor": [False, True]}

    staff_user = get_user_model().objects.get(pk=staff_user.pk)  # fresh permission cache
    cms_editor_set(user=staff_user, editor=False, actor=operator)
    assert _client(staff_user).get("/cms-admin/").status_code in (302, 403)
    assert AuditEvent.objects.filter(action="cms.editor_revoke", target_id=str(staff_user.pk)).exists()


def test_a_shopper_or_party_member_is_refused(operator, demo):
    from cms.editors import EDITORS_GROUP, cms_editor_set

    for email in ("shopper@demo.test", "supplier@demo.test"):
        user = get_user_model().objects.get(email=email)
        with pytest.raises(ValidationError, match="not an active operator"):
            cms_editor_set(user=user, editor=True, actor=operator)
        assert not user.groups.filter(name=EDITORS_GROUP).exists()
        assert _client(user).get("/cms-admin/").status_code in (302, 403)


def test_only_an_operator_can_grant(staff_user, demo):
    from cms.editors import EDITORS_GROUP, cms_editor_set

    shopper = get_user_model().objects.get(email="shopper@demo.test")
    with pytest.raises(ValidationError, match="Only an operator"):
        cms_editor_set(user=staff_user, editor=True, actor=shopper)
    assert not staff_user.groups.filter(name=EDITORS_GROUP).exists()


def test_superusers_keep_full_access(operator):
    assert _client(operator).get("/cms-admin/").status_code == 200


def test_operators_page_toggles_the_editor_role_with_a_message(staff_user, operator):
    from cms.editors import EDITORS_GROUP

    client = _client(operator)
    url = reverse("dashboard:mp-operator-list")
    html = client.get(url).content.decode()
    assert "writer@demo.test" in html and "Make CMS editor" in html

    response = client.post(url, {"operator": staff_user.pk, "cms_editor": "1"}, follow=True)
    assert "staff-writer can now edit the website" in response.content.decode()
    assert staff_user.groups.filter(name=EDITORS_GROUP).exists()
    assert "Stop CMS editing" in response.content.decode()

    response = client.post(url, {"operator": staff_user.pk, "cms_editor": "0"}, follow=True)
    assert "can no longer edit the website" in response.content.decode()
    assert not staff_user.groups.filter(name=EDITORS_GROUP).exists()

    shopper = get_user_model().objects.get(email="shopper@demo.test")
    response = client.post(url, {"operator": shopper.pk, "cms_editor": "1"}, follow=True)
    assert "is not an active operator" in response.content.decode()
    assert not shopper.groups.filter(name=EDITORS_GROUP).exists()


def test_preview_of_a_draft_shows_the_draft_text_to_an_editor(staff_user, operator, help_centre):
    from wagtail.test.utils.form_data import querydict_from_html, rich_text

    from cms.editors import cms_editor_set
    from cms.help.models import HelpPage

    cms_editor_set(user=staff_user, editor=True, actor=operator)
    page = HelpPage.objects.get(locale__language_code="en", slug="request-a-refund")
    page.body = "<p>Draft: refunds now take three days.</p>"
    revision = page.save_revision(user=staff_user)
    assert revision.pk
    client = _client(staff_user)
    draft = client.get(reverse("wagtailadmin_pages:view_draft", args=[page.pk]))
    assert draft.status_code == 200 and "Draft: refunds now take three days." in draft.content.decode()
    live = Client(HTTP_ACCEPT_LANGUAGE="en").get("/help/request-a-refund/").content.decode()
    assert "Draft: refunds" not in live and "the refund goes back to how you paid" in live

    # the live preview of the edit form, before saving anything
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    data = querydict_from_html(client.get(edit_url).content.decode(), form_id="page-edit-form")
    data["body"] = rich_text("<p>Unsaved wording for the preview.</p>")
    preview_url = reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk])
    assert client.post(preview_url, data).json()["is_valid"] is True
    preview = client.get(preview_url)
    assert preview.status_code == 200 and "Unsaved wording for the preview." in preview.content.decode()
    # a non-editor operator cannot see it
    stranger = get_user_model().objects.create_user(username="other-staff", email="other@demo.test",
                                                    password="x", is_staff=True)
    assert _client(stranger).get(reverse("wagtailadmin_pages:view_draft", args=[page.pk])).status_code in (302, 403)
