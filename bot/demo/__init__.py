"""The demo school: a deterministic generator (pure) and the seeding of a database with it (`jiuye demo`)."""
