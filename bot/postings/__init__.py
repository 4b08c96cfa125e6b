"""Postings as the core knows them: review checks (pure)."""
