"""When a refusal ended a return visit (客户要求不再回访): the monthly report does not count a visit ended
before its day as due. Visits ended earlier keep no time (NULL) and are counted as before."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("crm", "0007_merge")]
    operations = [
        migrations.AddField(
            model_name="returnvisit", name="ended_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="结束时间"),
        ),
    ]
