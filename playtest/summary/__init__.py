"""Summary of a playtest: case, confidence, board and agenda measures (DESIGN.md §7)."""
