"""The nightly refresh rewrites ~4 % of a 24-month snapshot table: vacuum it soon after, so the comparison
keeps reading the compare index only (no heap fetches) the morning after."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("hq", "0002_metric_snapshots")]

    operations = [
        migrations.RunSQL(
            "ALTER TABLE hq_metricsnapshot SET (autovacuum_vacuum_scale_factor = 0.01, "
            "autovacuum_vacuum_insert_scale_factor = 0.01, autovacuum_analyze_scale_factor = 0.02)",
            "ALTER TABLE hq_metricsnapshot RESET (autovacuum_vacuum_scale_factor, "
            "autovacuum_vacuum_insert_scale_factor, autovacuum_analyze_scale_factor)",
        ),
    ]
