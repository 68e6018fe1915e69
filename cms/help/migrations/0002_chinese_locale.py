"""The Simplified Chinese content locale, so editors can translate pages into it (WAGTAIL_CONTENT_LANGUAGES)."""

from django.db import migrations


def create_locale(apps, schema_editor):
    Locale = apps.get_model("wagtailcore", "Locale")
    Locale.objects.get_or_create(language_code="zh-hans")


class Migration(migrations.Migration):

    dependencies = [
        ("mp_help", "0001_help_pages"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.RunPython(create_locale, migrations.RunPython.noop),
    ]
