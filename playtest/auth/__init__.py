"""Facilitator and observer accounts: login, logout, roles."""
