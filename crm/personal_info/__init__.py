"""个人信息权利请求 (PIPL Art. 44–47) and retention: the requests, the customer's file, anonymisation, the
nightly retention run (records in crm.models.personal_info). services → selectors, as in crm.aftersales."""
