"""`python -m playtest ...` runs the CLI."""

from playtest.cli import main

main()
