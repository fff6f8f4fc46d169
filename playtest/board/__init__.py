"""The realtime reflection board: lanes, cards, votes, moderation."""
