"""The `jiuye` command line: serve, worker, migrate, demo, import/export, match, users, channels, parse."""
