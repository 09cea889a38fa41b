"""The årsplan domain: aggregates, commands, system commands, rules and policies.
No I/O, no Temporal."""
