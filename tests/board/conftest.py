"""The board fixture for every board test module (it lives with the first of them)."""

from tests.board.test_events import board  # noqa: F401
