"""Running a live session: the agenda clock, the console, projector and participant views."""
