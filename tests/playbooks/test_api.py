"""POST /api/v1/playbooks (DESIGN.md §6): markdown body or multipart file, bearer token."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from playtest.extensions import db
from playtest.models import Playbook
from playtest.playbooks.parser import parse_playbook
from tests.conftest import SMALL_PLAYBOOK
from tests.playbooks.test_routes import MALFORMED

URL = "/api/v1/playbooks"


@pytest.fixture
def token(make) -> str:
    return make.token(make.facilitator())


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def post_markdown(client, source: str | bytes, token: str | None):
    headers = bearer(token) if token else {}
    return client.post(URL, data=source, content_type="text/markdown", headers=headers)


def count_playbooks() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Playbook))


def test_markdown_body_creates_a_playbook_with_the_documented_shape(client, token):
    response = post_markdown(client, SMALL_PLAYBOOK, token)

    assert response.status_code == 201
    body = response.get_json()
    assert {
        "id",
        "version",
        "title",
        "duration",
        "votes",
        "lanes",
        "roles",
        "questions",
        "warnings",
        "sessions",
    } <= body.keys()
    assert body["version"] == 1
    assert body["title"] == "Small test playtest"
    assert body["duration"] == 30
    assert body["votes"] == 3
    assert body["lanes"] == ["Highlights", "Blockers", "Opportunities"]
    assert body["roles"] == ["Intake officer", "Benefits officer", "Policy advisor"]
    assert body["questions"] == ["I know who to ask", "I feel connected"]
    assert body["warnings"] == []
    segments = [
        {"title": "Case work in pods", "minutes": 20, "kind": "work"},
        {"title": "Reflect", "minutes": 10, "kind": "reflect"},
    ]
    assert [
        {"number": s["number"], "title": s["title"], "segments": s["segments"]}
        for s in body["sessions"]
    ] == [
        {"number": 1, "title": None, "segments": segments},
        {"number": 2, "title": None, "segments": segments},
    ]
    # The API never hands out rendered HTML or facilitator notes.
    assert "Watch the handoffs" not in response.get_data(as_text=True)
    assert db.session.get(Playbook, body["id"]).title == "Small test playtest"


def test_multipart_file_creates_a_playbook(client, token):
    response = client.post(
        URL,
        data={"file": (io.BytesIO(SMALL_PLAYBOOK.encode()), "small.md")},
        content_type="multipart/form-data",
        headers=bearer(token),
    )
    assert response.status_code == 201
    body = response.get_json()
    assert body["title"] == "Small test playtest"
    assert db.session.get(Playbook, body["id"]).filename == "small.md"


def test_warnings_come_back_with_the_created_playbook(client, token):
    response = post_markdown(client, SMALL_PLAYBOOK.replace("Duration: 30", "Duration: 45"), token)
    assert response.status_code == 201
    warnings = response.get_json()["warnings"]
    assert warnings and all(set(w) == {"line", "code", "message"} for w in warnings)
    assert warnings[0]["code"] == "minutes_differ"


def test_malformed_playbook_is_422_with_every_problem(client, token):
    expected = parse_playbook(MALFORMED)

    response = post_markdown(client, MALFORMED, token)

    assert response.status_code == 422
    body = response.get_json()
    assert set(body) == {"errors", "warnings"}
    assert body["errors"] == [
        {"line": p.line, "code": p.code, "message": p.message} for p in expected.errors
    ]
    assert body["warnings"] == [
        {"line": p.line, "code": p.code, "message": p.message} for p in expected.warnings
    ]
    assert count_playbooks() == 0


def test_problems_come_in_the_language_the_request_accepts(client, token):
    english = post_markdown(client, MALFORMED, token).get_json()
    response = client.post(
        URL,
        data=MALFORMED,
        content_type="text/markdown",
        headers={**bearer(token), "Accept-Language": "fr-CA,fr;q=0.9"},
    )

    assert response.status_code == 422
    french = response.get_json()
    # The same problems on the same lines with the same codes; only the words change.
    for key in ("errors", "warnings"):
        assert [(p["line"], p["code"]) for p in french[key]] == [
            (p["line"], p["code"]) for p in english[key]
        ]
    votes = next(p for p in french["errors"] if p["line"] == 3)
    assert votes["code"] == "not_a_number"
    assert votes["message"] == (
        "Votes doit être un nombre entier de 0 à 50, et non «\u00a0lots\u00a0» "
        "— écrivez par exemple «\u00a0Votes\u00a0: 5\u00a0»"
    )
    assert english["errors"][0] == {
        "line": 3,
        "code": "not_a_number",
        "message": 'Votes must be a whole number from 0 to 50, not "lots" '
        '— write it like "Votes: 5"',
    }


def test_same_bytes_are_200_with_the_same_id(client, token):
    first = post_markdown(client, SMALL_PLAYBOOK, token)
    again = post_markdown(client, SMALL_PLAYBOOK, token)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["id"] == first.get_json()["id"]
    assert again.get_json()["version"] == 1
    assert count_playbooks() == 1


def test_changed_bytes_are_the_next_version(client, token):
    post_markdown(client, SMALL_PLAYBOOK, token)
    response = post_markdown(client, SMALL_PLAYBOOK.replace("Votes: 3", "Votes: 4"), token)
    assert response.status_code == 201
    assert response.get_json()["version"] == 2


@pytest.mark.parametrize("header", [None, "Bearer not-a-token", "Basic abc"])
def test_no_valid_token_is_403(client, header):
    headers = {"Authorization": header} if header else {}
    response = client.post(URL, data=SMALL_PLAYBOOK, content_type="text/markdown", headers=headers)
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"
    assert count_playbooks() == 0


def test_observer_token_is_403(client, make):
    observer = make.facilitator("observer@example.gov", role="observer")
    response = post_markdown(client, SMALL_PLAYBOOK, make.token(observer))
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"
    assert count_playbooks() == 0


def test_the_api_needs_no_csrf_token(csrf_app, client, token):
    assert post_markdown(client, SMALL_PLAYBOOK, token).status_code == 201
