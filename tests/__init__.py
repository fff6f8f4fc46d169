"""Playtest test suite."""
