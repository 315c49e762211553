"""个人信息访问记录 (PIPL access log): one table per store schema, in the template schema so every cloned store has it."""

import django.contrib.postgres.fields
import django.contrib.postgres.indexes
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('crm', '0007_merge'),
    ]

    operations = [
        migrations.CreateModel(
            name='PersonalDataAccess',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='时间')),
                ('user_id', models.BigIntegerField(verbose_name='员工')),
                ('user_name', models.CharField(blank=True, default='', max_length=50, verbose_name='员工姓名')),
                ('role', models.CharField(blank=True, default='', max_length=30, verbose_name='角色')),
                ('action', models.CharField(choices=[('view', '查看'), ('reveal', '显示号码'), ('export', '导出'), ('import', '导入'), ('create', '新建'), ('change', '修改')], max_length=10, verbose_name='操作')),
                ('customer_ids', django.contrib.postgres.fields.ArrayField(base_field=models.BigIntegerField(), default=list, size=None, verbose_name='客户')),
                ('fields', django.contrib.postgres.fields.ArrayField(base_field=models.CharField(max_length=40), default=list, size=None, verbose_name='字段')),
                ('detail', models.CharField(blank=True, default='', max_length=200, verbose_name='说明')),
                ('ip', models.GenericIPAddressField(blank=True, null=True, verbose_name='来源地址')),
                ('user_agent', models.CharField(blank=True, default='', max_length=300, verbose_name='浏览器')),
            ],
            options={
                'verbose_name': '个人信息访问记录',
                'verbose_name_plural': '个人信息访问记录',
                'ordering': ['-at', '-pk'],
                'indexes': [models.Index(fields=['-at'], name='crm_pda_at'), models.Index(fields=['user_id', '-at'], name='crm_pda_user'), django.contrib.postgres.indexes.GinIndex(fields=['customer_ids'], name='crm_pda_customers')],
            },
        ),
    ]
