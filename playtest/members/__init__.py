"""A playtest's members: who sees and runs it (the rule itself is playtest/access.py's)."""
