"""跟进节奏引擎: turns the store's effective cadence policy into follow-up tasks and messages.

Modules: sql (set-based generation per rule), engine (daily run, per-customer run after an event),
services (complete / skip a task, store overrides), outbox (providers and sending), selectors
(queues, overdue per person, maintenance due), export (每月底导出), tasks (Celery), views/api (pages).
"""
