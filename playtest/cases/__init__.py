"""Case work (open, hand off, answer) and before/after confidence ratings."""
