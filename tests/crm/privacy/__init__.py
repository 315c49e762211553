"""Harness rows of the personal-information request pages (the tests are tests/crm/test_personal_info.py)."""
