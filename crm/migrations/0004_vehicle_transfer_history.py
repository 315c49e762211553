# 过户 history: who sold the vehicle on and which staff member recorded the transfer.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('crm', '0003_aftersales'),
    ]

    operations = [
        migrations.AddField(
            model_name='vehicleownership',
            name='by_user_id',
            field=models.BigIntegerField(blank=True, null=True, verbose_name='经办人'),
        ),
        migrations.AddField(
            model_name='vehicleownership',
            name='previous_owner',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='ownerships_transferred_out', to='crm.customer', verbose_name='原车主'),
        ),
    ]
