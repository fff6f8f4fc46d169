"""The probe's smaller holes: malformed bodies, control characters, caching, Referer, codes
probed without limit, spreadsheet formulas."""

from __future__ import annotations

import pytest

from playtest.security import formula_safe
from tests.auth import login
from tests.conftest import SMALL_PLAYBOOK


@pytest.fixture
def staff(make):
    return {"Authorization": f"Bearer {make.token(make.facilitator())}"}


@pytest.mark.parametrize("path", ["/api/v1/join", "/api/v1/playtests"])
def test_deeply_nested_json_is_refused_not_a_crash(client, staff, path):
    body = "[" * 100_000 + "]" * 100_000
    response = client.post(path, data=body, headers={**staff, "Content-Type": "application/json"})
    assert response.status_code == 422
    assert response.json["error"]["code"] == "invalid"
    nested = '{"title": ' + '{"a": ' * 50 + "1" + "}" * 50 + "}"
    response = client.post(path, data=nested, headers={**staff, "Content-Type": "application/json"})
    assert response.status_code == 422 and response.json["error"]["code"] == "invalid"


def test_control_characters_never_reach_a_title_or_a_name(client, staff, make):
    created = client.post("/api/v1/playtests", json={"title": "Intake\x00 desk\x1b"}, headers=staff)
    assert created.status_code == 201 and created.json["title"] == "Intake desk"
    session = make.session()
    joined = client.post(
        "/api/v1/join",
        json={"code": session.join_code, "display_name": "Ada\x00\x07", "role": "Intake officer"},
    )
    from playtest.extensions import db
    from playtest.models import Attendance

    assert db.session.get(Attendance, 1).display_name == "Ada"
    assert joined.status_code == 201


def test_everything_personal_is_never_cached_and_static_files_are(csrf_app, client, make, staff):
    make.playbook(SMALL_PLAYBOOK)
    session = make.session()
    pid = session.round.playtest_id
    login(client)
    for path in (
        f"/sessions/{session.id}/console",
        f"/sessions/{session.id}/projector?key={session.view_token}",
        f"/playtests/{pid}",
        f"/playtests/{pid}/summary",
        f"/playtests/{pid}/report",
        f"/playtests/{pid}/export.csv?table=cases",
        f"/playtests/{pid}/export.json",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "private, no-store", path
    api = client.get(f"/api/v1/playtests/{pid}/summary", headers=staff)
    assert api.headers["Cache-Control"] == "private, no-store"
    token, _attendance = make.join(session)
    phone = make.app.test_client()
    phone.set_cookie(f"pt_s{session.id}", token, domain="playtest.test")
    assert phone.get(f"/j/{session.join_code}").headers["Cache-Control"] == "private, no-store"
    static = client.get("/static/css/playtest.css")
    assert "no-store" not in static.headers.get("Cache-Control", "")
    static.close()


def test_pages_send_only_their_origin_as_referer(client, make):
    session = make.session()
    page = client.get(f"/sessions/{session.id}/projector?key={session.view_token}")
    assert page.headers["Referrer-Policy"] == "strict-origin"
    assert '<meta name="referrer" content="strict-origin">' in page.get_data(as_text=True)


def test_join_codes_cannot_be_probed_without_limit(app, client, make):
    app.config["RATELIMIT_JOIN_PAGE"] = "5/minute"
    session = make.session()
    statuses = [client.get(f"/j/NOPE{i:04d}").status_code for i in range(5)]
    assert statuses == [404] * 5
    assert client.get(f"/j/{session.join_code}").status_code == 429  # even a right code, now


def test_the_default_join_page_limit_fits_a_room_on_one_office_ip(app):
    count, _per, period = app.config["RATELIMIT_JOIN_PAGE"].partition("/")
    assert period == "minute" and int(count) >= 60  # DESIGN.md §6


@pytest.mark.parametrize(
    "cell",
    [
        "=SUM(A1)",
        "+1",
        "-2",
        "@x",
        "\tx",
        "\r=1",
        "\n=1",
        " =SUM(A1)",
        "   +cmd",
        "\u00a0=1",
        "\uff1dSUM(A1)",
        "\uff0b1",
        "\uff0d1",
        "\uff20x",
        "\u3000\uff1d1",
    ],
)
def test_every_leading_formula_character_is_neutralised(cell):
    assert formula_safe(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["ok", "C-104", "12 minutes", "a=b", "", " plain"])
def test_ordinary_text_is_left_alone(cell):
    assert formula_safe(cell) == cell
