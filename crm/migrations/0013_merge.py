"""Joins the return-visit end time (the clock branch) with the lead, privacy and SMS branches; no schema change."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("crm", "0012_merge"), ("crm", "0008_return_visit_ended_at")]
    operations: list = []
