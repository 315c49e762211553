"""Store CRM pages. Every view is `@store_view(Perm.X)` and loads records through crm.access."""
