"""JSON API /api/v1 with bearer tokens."""
