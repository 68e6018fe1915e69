from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpConfig(AppConfig):
    """The help centre: Wagtail pages of questions and answers, searchable, in English and Simplified Chinese."""

    name = "cms.help"
    label = "mp_help"
    verbose_name = _("Help centre")
