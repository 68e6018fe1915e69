"""Fixtures shared by the help-centre, CMS language and CMS editor tests: the demo help centre, a staff user."""

import pytest


@pytest.fixture
def help_centre(demo):
    """The demo help centre (English and Chinese); loaded here until the lead adds it to `load_demo`."""
    from cms.help.demo import load_help_centre
    from cms.help.models import HelpIndexPage

    load_help_centre()
    return HelpIndexPage.objects.get(locale__language_code="en")


@pytest.fixture
def staff_user(demo):
    """An active operator who is not a superuser (so Wagtail access comes only from the Editors group)."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user(username="staff-writer", email="writer@demo.test",
                                                password="x", is_staff=True)
