"""The browser's personal-information samples (tests/js) hold the server's patterns and verdicts."""

from __future__ import annotations

import json

from playtest.security import PII_PATTERN_SOURCES, looks_personal
from tests.conftest import ROOT

FIXTURE = ROOT / "tests" / "js" / "fixtures" / "personal-data.json"


def test_the_browser_tests_check_the_patterns_the_server_sends():
    assert json.loads(FIXTURE.read_text(encoding="utf-8"))["patterns"] == PII_PATTERN_SOURCES


def test_each_sample_gets_the_servers_verdict():
    for sample in json.loads(FIXTURE.read_text(encoding="utf-8"))["samples"]:
        assert looks_personal(sample["text"]) is sample["personal"], sample["text"]
