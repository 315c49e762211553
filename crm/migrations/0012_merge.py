"""Joins the lead intake branch with the pool, privacy and SMS branches; no schema change."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("crm", "0011_merge"), ("crm", "0008_lead_intake")]
    operations: list = []
