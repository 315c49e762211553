"""Joins the branches built in parallel (after-sales time, after-sales work items, car file, sales
floor); no schema change."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("crm", "0006_aftersales_time"), ("crm", "0006_aftersales_work"),
        ("crm", "0006_car_file"), ("crm", "0006_sales_floor"),
    ]
    operations: list = []
