"""Joins the web survey links with the WeCom notices, both built on 0015; no schema change."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("crm", "0016_survey_link"), ("crm", "0016_wecom")]
    operations: list = []
