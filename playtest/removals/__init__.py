"""Removing what should not be kept: a playtest, a round, an empty session, an unused
playbook version, each after a page that names what will go."""
