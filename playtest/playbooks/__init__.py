"""Playbooks: markdown documents that script a playtest's sessions."""
