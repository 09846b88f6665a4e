"""Optional adapters, each importing its third-party dependency lazily."""
