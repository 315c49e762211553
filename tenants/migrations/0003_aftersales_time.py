from django.db import migrations, models

import tenants.models


class Migration(migrations.Migration):
    """Each store's own time zone (working hours and deadlines are read in it)."""

    dependencies = [
        ("tenants", "0002_user_session_epoch"),
    ]

    operations = [
        migrations.AddField(
            model_name="store",
            name="time_zone",
            field=models.CharField(default="Asia/Shanghai", max_length=40,
                                   validators=[tenants.models.validate_time_zone], verbose_name="时区"),
        ),
    ]
