"""Account management for admins: /admin/users (the CLI has the same commands)."""
