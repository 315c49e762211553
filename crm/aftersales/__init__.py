"""售后回访与投诉 (handbooks 002, 003): return visits, satisfaction surveys, complaints with SLA escalation,
corrective/preventive actions and the monthly return-visit report (回访月报).

Modules: policy (survey and complaint templates in force, SLA deadlines on the working-day calendar),
visits (return-visit services), complaints (intake, state machine, SLA sweep), actions (整改措施),
selectors (queues, lists, access), report (回访月报 and its XLSX), views/api/urls (pages and REST),
tasks (Celery beat → per-store SLA sweep).
"""
