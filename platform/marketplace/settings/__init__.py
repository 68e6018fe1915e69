"""Development and test settings: the embedded defaults (SQLite, in-memory channel layer)."""

from marketplace.settings.base import *  # noqa: F401,F403
