"""Database plumbing shared by every mechanism: the typed holder, write transactions, bulk writes."""
