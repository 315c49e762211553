"""Metric providers: each computes its area's figures for one period inside one store's schema.

A provider is a module with `compute(period) -> dict[str, float]`; settings.HQ_METRIC_PROVIDERS
lists them, so a new area adds its figures without touching the snapshot machinery.
"""
