"""Use cases called by api/, jobs/ and the CLI. Each submodule holds one area; they share the container."""
