"""Joins the SMS consent ledger branch with the access log and lead pool; no schema change."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("crm", "0009_merge"), ("crm", "0008_sms_consent")]
    operations: list = []
