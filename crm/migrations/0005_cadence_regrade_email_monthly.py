# Cadence: Lead.graded_at (regrading restarts the intent-grade follow-ups; existing leads count from
# their creation), Customer e-mail with opt-in consent, outbox addresses long enough for e-mail, and
# the month-end maintenance lists (每月底导出).

import django.db.models.functions.comparison
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('crm', '0004_vehicle_transfer_history'),
    ]

    operations = [
        migrations.CreateModel(
            name='MaintenanceDueList',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField(unique=True, verbose_name='月份')),
                ('file_path', models.CharField(max_length=200, verbose_name='文件')),
                ('rows', models.PositiveIntegerField(default=0, verbose_name='车辆数')),
                ('policy_version_id', models.BigIntegerField(blank=True, null=True)),
                ('generated_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='生成时间')),
            ],
            options={
                'verbose_name': '月度到期保养名单',
                'verbose_name_plural': '月度到期保养名单',
                'ordering': ['-month'],
            },
        ),
        migrations.AddField(
            model_name='customer',
            name='email',
            field=models.EmailField(blank=True, default='', max_length=254, verbose_name='电子邮箱'),
        ),
        migrations.AddField(
            model_name='customer',
            name='email_consent',
            field=models.BooleanField(default=False, verbose_name='同意接收邮件'),
        ),
        migrations.AddField(
            model_name='lead',
            name='graded_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='定级时间'),
        ),
        migrations.RunSQL(
            "UPDATE crm_lead SET graded_at = created_at WHERE graded_at IS NULL",
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name='outboxmessage',
            name='to',
            field=models.CharField(max_length=254, verbose_name='发送至'),
        ),
        migrations.AddIndex(
            model_name='lead',
            index=models.Index(django.db.models.functions.comparison.Coalesce('graded_at', 'created_at'), name='crm_lead_graded'),
        ),
    ]
