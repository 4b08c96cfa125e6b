"""Personal data and secrets: encryption at rest, passwords, signed links, the audit trail."""
