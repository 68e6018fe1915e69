"""The countries the marketplace delivers to (oscar's address book needs them; the operator can add more)."""

from django.db import migrations


def add_countries(apps, schema_editor):
    from storefront.addresses import shipping_countries_ensure

    shipping_countries_ensure(country_model=apps.get_model("address", "Country"))


class Migration(migrations.Migration):
    dependencies = [
        ("mp_storefront", "0003_shipping_rules_and_domains"),
        ("address", "0001_initial"),
    ]

    operations = [migrations.RunPython(add_countries, migrations.RunPython.noop)]
