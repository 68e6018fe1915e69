"""Commission rules version 1, in force since 2000-01-01: 5 % commission borne by the distributor, card fee 2.90 %
+ 0.30 borne by the platform."""

from datetime import UTC, datetime
from decimal import Decimal

from django.db import migrations


def create(apps, schema_editor):
    CommissionRuleSet = apps.get_model("mp_settlement", "CommissionRuleSet")
    if CommissionRuleSet.objects.filter(version=1).exists():
        return
    CommissionRuleSet.objects.create(
        version=1, effective_from=datetime(2000, 1, 1, tzinfo=UTC), default_rate=Decimal("0.0500"),
        default_supplier_share=0, gateway_fee_percent=Decimal("2.90"), gateway_fee_fixed=Decimal("0.30"),
        gateway_fee_bearer="platform", note="Initial rules")


def remove(apps, schema_editor):
    apps.get_model("mp_settlement", "CommissionRuleSet").objects.filter(version=1, note="Initial rules").delete()


class Migration(migrations.Migration):

    dependencies = [("mp_settlement", "0001_ledger")]

    operations = [migrations.RunPython(create, remove)]
