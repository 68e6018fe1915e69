"""Who may edit the marketplace's pages in Wagtail: operator staff in the "Editors" group.

Wagtail grants its admin to anyone whose groups carry `wagtailadmin.access_admin`, whether staff or not, so the
group is only ever given through `cms_editor_set`, which refuses anyone who is not an active operator (a shopper
or a party member never gets CMS access). The group's permissions are (re)applied idempotently each time, so
snippet models added later (announcements) are picked up by codename without a migration depending on them.
"""

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from audit.services import audit_record

EDITORS_GROUP = "Editors"
PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page")
MODEL_PERMISSIONS = Q(content_type__app_label="wagtailadmin", codename="access_admin") | Q(
    content_type__app_label="wagtailimages", codename__in=["add_image", "change_image", "choose_image", "delete_image"]
) | Q(
    content_type__app_label="wagtaildocs",
    codename__in=["add_document", "change_document", "choose_document", "delete_document"],
) | Q(content_type__app_label="simple_translation", codename="submit_translation") | Q(
    content_type__app_label="mp_announcements", codename__regex=r"^(add|change|publish)_"
)


def cms_editors_group() -> Group:
    """The "Editors" group with admin access, images, documents, translations, announcements, and add/edit/
    publish on the page tree (granted on wagtail's root, so every language's home page and its pages)."""
    from wagtail.models import GroupPagePermission, Page

    group, _created = Group.objects.get_or_create(name=EDITORS_GROUP)
    group.permissions.add(*Permission.objects.filter(MODEL_PERMISSIONS))
    root = Page.get_first_root_node()
    if root is not None:
        have = set(GroupPagePermission.objects.filter(group=group, page=root)
                   .values_list("permission__codename", flat=True))
        for permission in Permission.objects.filter(content_type__app_label="wagtailcore",
                                                    codename__in=PAGE_PERMISSIONS):
            if permission.codename not in have:
                GroupPagePermission.objects.create(group=group, page=root, permission=permission)
    return group


def cms_is_editor(user) -> bool:
    return user.groups.filter(name=EDITORS_GROUP).exists()


@transaction.atomic
def cms_editor_set(*, user, editor: bool, actor):
    """Make `user` a CMS editor (`editor=True`) or take it away; only operators, only by an operator."""
    if not getattr(actor, "is_staff", False):
        raise ValidationError(_("Only an operator can change who edits the website's pages."))
    if editor and not (user.is_staff and user.is_active):
        raise ValidationError(_("%(user)s is not an active operator; only operators can edit the website's "
                                "pages.") % {"user": user.get_username()})
    group = cms_editors_group()
    was_editor = user.groups.filter(pk=group.pk).exists()
    if was_editor == editor:
        raise ValidationError((_("%(user)s is already a CMS editor.") if editor else
                               _("%(user)s is not a CMS editor.")) % {"user": user.get_username()})
    if editor:
        user.groups.add(group)
    else:
        user.groups.remove(group)
    audit_record(action="cms.editor_grant" if editor else "cms.editor_revoke", actor=actor, target=user,
                 changes={"cms_editor": [was_editor, editor]})
    return user
