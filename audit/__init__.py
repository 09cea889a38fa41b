"""The auditor's tools: verify the hash chains and seals, replay the log into a fresh
store, export a period. They read; they never change the record."""
