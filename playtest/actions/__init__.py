"""What the room agrees to change (DESIGN.md §10): actions, carry-over, "you said, we did"."""
