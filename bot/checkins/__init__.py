"""Status check-ins: the cadence (pure), the answers, the day's job."""
