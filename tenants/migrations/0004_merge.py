"""Joins the branches built in parallel (store time zone, staff administration); no schema change."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("tenants", "0003_aftersales_time"), ("tenants", "0003_staff")]
    operations: list = []
