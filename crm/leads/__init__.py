"""线索接入与首次响应 (issue 18, intake half): every lead from every source, deduplicated, routed to a
consultant on duty, and answered by a person within the group policy's working-time deadline."""
