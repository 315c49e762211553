"""Joins the two PIPL branches built in parallel (the access log, personal-information requests); no
schema change."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("crm", "0008_personal_data_access"), ("crm", "0008_personal_info")]
    operations: list = []
