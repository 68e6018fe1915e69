"""Reading the operator's settings: the stored version in force at a moment, else the Django settings default.

One query per call (an indexed lookup of the latest version not after `at`), so a test that changes Django
settings still sees its value while nothing is stored.
"""

from datetime import datetime

from django.utils import timezone

from siteconfig.models import SettingVersion
from siteconfig.registry import SETTINGS


def setting_value(*, key: str, at: datetime | None = None):
    """The value of `key` in force at `at` (now when None); the Django settings default until one is saved."""
    setting = SETTINGS[key]
    text = (SettingVersion.objects.filter(key=key, effective_from__lte=at or timezone.now())
            .order_by("-effective_from", "-pk").values_list("value", flat=True).first())
    return setting.default() if text is None else setting.decode(text)


def setting_rows(*, now: datetime | None = None) -> list[dict]:
    """Every setting as the settings page shows it: value in force, scheduled versions, history (one query)."""
    now = now or timezone.now()
    versions: dict[str, list[SettingVersion]] = {}
    for version in SettingVersion.objects.select_related("created_by").order_by("key", "-effective_from", "-pk"):
        versions.setdefault(version.key, []).append(version)
    rows = []
    for key, setting in SETTINGS.items():
        history = versions.get(key, [])
        for version in history:
            version.shown = setting.decode(version.value)
        current = next((v for v in history if v.effective_from <= now), None)
        rows.append({
            "setting": setting,
            "value": current.shown if current else setting.default(),
            "since": current.effective_from if current else None,
            "scheduled": sorted((v for v in history if v.effective_from > now), key=lambda v: v.effective_from),
            "history": history,
        })
    return rows
