"""The `playtest` command line: accounts, tokens and importing playbooks."""

from __future__ import annotations

import re

import sqlalchemy as sa

from playtest.auth.services import authenticate, find_user
from playtest.extensions import db
from playtest.models import Playbook
from playtest.playbooks.parser import parse_playbook
from tests.conftest import SAMPLES, SMALL_PLAYBOOK
from tests.playbooks.test_routes import MALFORMED


def count_playbooks() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Playbook))


def test_create_facilitator_can_sign_in(runner):
    result = runner.invoke(
        args=["create-facilitator", "Ada@Example.gov", "--password", "long enough"]
    )
    assert result.exit_code == 0, result.output
    assert "ada@example.gov" in result.output
    user = authenticate("ada@example.gov", "long enough")
    assert user is not None and user.role == "admin"  # the instance's first account
    assert "Admin ada@example.gov can sign in." in result.output
    second = runner.invoke(args=["create-facilitator", "bo@example.gov", "--password", "x" * 8])
    assert "Facilitator bo@example.gov can sign in." in second.output
    assert find_user("bo@example.gov").role == "facilitator"


def test_create_facilitator_with_observer_role(runner):
    result = runner.invoke(
        args=[
            "create-facilitator",
            "obs@example.gov",
            "--password",
            "long enough",
            "--role",
            "observer",
        ]
    )
    assert result.exit_code == 0, result.output
    assert find_user("obs@example.gov").role == "observer"


def test_create_facilitator_refuses_a_short_password(runner):
    result = runner.invoke(args=["create-facilitator", "ada@example.gov", "--password", "short"])
    assert result.exit_code != 0
    assert "at least 8 characters" in result.output
    assert find_user("ada@example.gov") is None


def test_create_facilitator_prompts_for_the_password(runner):
    result = runner.invoke(
        args=["create-facilitator", "ada@example.gov"], input="long enough\nlong enough\n"
    )
    assert result.exit_code == 0, result.output
    assert authenticate("ada@example.gov", "long enough") is not None


def test_create_token_prints_only_a_token_that_opens_the_api(runner, client):
    runner.invoke(args=["create-facilitator", "ada@example.gov", "--password", "long enough"])

    result = runner.invoke(args=["create-token", "ada@example.gov"])

    assert result.exit_code == 0, result.output
    assert re.fullmatch(r"pt_[A-Za-z0-9_-]{20,}\n", result.output)
    token = result.output.strip()
    response = client.post(
        "/api/v1/playbooks",
        data=SMALL_PLAYBOOK,
        content_type="text/markdown",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201


def test_create_token_for_an_unknown_account_fails(runner):
    result = runner.invoke(args=["create-token", "nobody@example.gov"])
    assert result.exit_code != 0
    assert "create-facilitator" in result.output


def test_import_playbooks_imports_the_repo_samples_once(runner):
    samples = sorted(SAMPLES.glob("*.md"))

    result = runner.invoke(args=["import-playbooks", str(SAMPLES)])

    assert result.exit_code == 0, result.output
    for path in samples:
        assert f"{path.name}: imported as #" in result.output
    assert count_playbooks() == len(samples) >= 3

    again = runner.invoke(args=["import-playbooks", str(SAMPLES)])
    assert again.exit_code == 0, again.output
    assert again.output.count("already there") == len(samples)
    assert count_playbooks() == len(samples)


def test_import_playbooks_reports_problems_with_line_numbers(runner, tmp_path):
    (tmp_path / "good.md").write_text(SMALL_PLAYBOOK, encoding="utf-8")
    (tmp_path / "broken.md").write_text(MALFORMED, encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a playbook", encoding="utf-8")

    result = runner.invoke(args=["import-playbooks", str(tmp_path)])

    assert result.exit_code != 0
    assert "broken.md: not imported" in result.output
    for problem in parse_playbook(MALFORMED).errors:
        assert f"line {problem.line}: {problem.message}" in result.output
    assert 'line 3: Votes must be a whole number from 0 to 50, not "lots"' in result.output
    assert "good.md: imported as #" in result.output  # one bad file does not stop the rest
    assert "1 playbook(s) had problems" in result.output
    assert [p.filename for p in db.session.scalars(sa.select(Playbook))] == ["good.md"]


def test_import_playbooks_needs_an_existing_folder(runner, tmp_path):
    result = runner.invoke(args=["import-playbooks", str(tmp_path / "missing")])
    assert result.exit_code == 2
    assert count_playbooks() == 0
