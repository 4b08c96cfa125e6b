"""Who may see and change what: the scope rules (pure) and their SQL."""
