"""Metrics flow up (指标上报): the catalogue of store figures, their computation and HQ's reads."""
