"""The assistant's core: domain, dialogue, matching, channels and use cases. No web framework lives here."""
