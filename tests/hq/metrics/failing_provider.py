"""A provider whose database query fails, as a broken store schema would."""

from django.db import connection


def compute(period: object) -> dict[str, float]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM crm_table_that_does_not_exist")
    return {}
