"""Joins the data-subject requests branch with the SMS consent ledger, access log and lead pool; no schema change."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("crm", "0010_merge"), ("crm", "0009_merge_pipl")]
    operations: list = []
