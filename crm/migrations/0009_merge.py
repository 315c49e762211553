"""Joins the PIPL access log and the lead pool branches; no schema change."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("crm", "0008_lead_pool"), ("crm", "0008_personal_data_access")]
    operations: list = []
