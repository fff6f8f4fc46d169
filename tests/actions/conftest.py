"""The board fixture for the action tests."""

from tests.board.test_events import board  # noqa: F401
