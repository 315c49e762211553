"""Return visits: the calls are the cadence's tasks, the ReturnVisit is their record (aftersales-work).

Before the queue columns go, a visit waiting for a redial moves its open call to the redial day (the
redial used to live on the visit); afterwards, open return-visit calls the old page-load sync had not
copied yet get their record (rule keys known from this store's existing records; no public table read).
"""

from django.db import migrations, models

# A visit in "retry": its call (still open under the old design) takes the redial day.
REDIAL_TO_TASK = """
UPDATE crm_followuptask t
SET due_date = rv.next_call_on,
    status = CASE WHEN rv.next_call_on >= (now() AT TIME ZONE 'Asia/Shanghai')::date THEN 'open' ELSE t.status END
FROM crm_returnvisit rv
WHERE rv.task_id = t.id AND rv.status = 'retry' AND t.status IN ('open', 'overdue')
  AND rv.next_call_on <> t.due_date
  AND NOT EXISTS (SELECT 1 FROM crm_followuptask o WHERE o.customer_id = t.customer_id
                  AND o.rule_key = t.rule_key AND o.due_date = rv.next_call_on)
"""

# Open calls of return-visit rules that have no record yet (the old sync ran on page loads).
MISSING_RECORDS = """
WITH src AS MATERIALIZED (
    SELECT t.id, t.trigger, t.rule_key, t.rule_name, t.customer_id, t.vehicle_id, t.event_date, t.due_date,
           COALESCE(NULLIF(c.call_number, ''), c.mobile) AS number, t.policy_version_id, t.policy_version_number
    FROM crm_followuptask t JOIN crm_customer c ON c.id = t.customer_id
    WHERE t.status IN ('open', 'overdue') AND t.channel = 'call' AND t.trigger IN ('delivery', 'service_done')
      AND t.rule_key IN (SELECT DISTINCT rule_key FROM crm_returnvisit)
      AND NOT EXISTS (SELECT 1 FROM crm_returnvisit rv WHERE rv.customer_id = t.customer_id
                      AND rv.rule_key = t.rule_key AND rv.event_date = t.event_date)
)
INSERT INTO crm_returnvisit (task_id, subject, rule_key, rule_name, customer_id, vehicle_id, service_visit_id,
    event_date, due_date, number, status, attempts, person_called, person_name, complaint_raised, remark,
    policy_version_id, policy_version_number, created_at)
SELECT src.id, CASE WHEN src.trigger = 'delivery' THEN 'delivery' ELSE 'service' END, src.rule_key, src.rule_name,
    src.customer_id, src.vehicle_id,
    CASE WHEN src.trigger = 'service_done' THEN (SELECT sv.id FROM crm_servicevisit sv
        WHERE sv.vehicle_id = src.vehicle_id AND sv.visited_on = src.event_date ORDER BY sv.id DESC LIMIT 1) END,
    src.event_date, src.due_date, src.number, 'due', 0, '', '', FALSE, '', src.policy_version_id,
    src.policy_version_number, now()
FROM src
ON CONFLICT DO NOTHING
"""


class Migration(migrations.Migration):

    dependencies = [
        ('crm', '0005_cadence_regrade_email_monthly'),
    ]

    operations = [
        migrations.RunSQL(REDIAL_TO_TASK, migrations.RunSQL.noop),
        migrations.RemoveIndex(
            model_name='returnvisit',
            name='crm_rv_queue',
        ),
        migrations.RemoveField(
            model_name='returnvisit',
            name='assignee_id',
        ),
        migrations.RemoveField(
            model_name='returnvisit',
            name='call_window',
        ),
        migrations.RemoveField(
            model_name='returnvisit',
            name='next_call_on',
        ),
        migrations.AddIndex(
            model_name='returnvisit',
            index=models.Index(fields=['status', 'due_date'], name='crm_rv_status_due'),
        ),
        migrations.RunSQL(MISSING_RECORDS, migrations.RunSQL.noop),
    ]
