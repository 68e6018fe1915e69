from django.db import migrations

TAGS = [("new", "New", "新品"), ("hot", "Hot", "热卖"), ("promotion", "Promotion", "促销")]


def create_tags(apps, schema_editor):
    ProductTag = apps.get_model("mp_supplier", "ProductTag")
    for code, name, name_zh in TAGS:
        ProductTag.objects.get_or_create(code=code, defaults={"name": name, "name_zh": name_zh})


class Migration(migrations.Migration):
    dependencies = [("mp_supplier", "0001_initial")]
    operations = [migrations.RunPython(create_tags, migrations.RunPython.noop)]
