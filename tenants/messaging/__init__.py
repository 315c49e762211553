"""Messages to people through a vendor: the template-based provider interface and the SMS vendors' clients.

The floor layer (imports nothing of crm/hq), so the store outbox (crm.cadence.outbox) and the account
SMS (tenants.sms) use the same clients. Group configuration (keys, templates) lives in hq; the clients
here take plain values.
"""
