"""Local peers of the SMS vendors (127.0.0.1): they speak the documented API and check its signature."""
