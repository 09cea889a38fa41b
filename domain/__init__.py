"""The årsplan domain: aggregates, commands, rules and errors. No I/O, no Temporal."""
