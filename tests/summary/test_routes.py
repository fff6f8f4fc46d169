"""Summary pages, report and exports for staff; the page shows the numbers the API returns."""

from __future__ import annotations

import re

import pytest

from playtest.formatting import format_number, format_p, format_percent, format_signed
from tests.summary.test_services import build_story, rounds_by_label

FIGURE = re.compile(r'data-figure="([^"]+)">([^<]*)<')


@pytest.fixture
def story(make, monkeypatch) -> dict:
    return build_story(make, monkeypatch)


def sign_in(client, user) -> None:
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()  # "<id>:<session version>"
        session["_fresh"] = True


@pytest.fixture
def observer(make):
    return make.facilitator("observer@example.gov", "observer pass", role="observer")


def page_figures(html: str) -> dict[str, str]:
    return {key: value.strip() for key, value in FIGURE.findall(html)}


def test_pages_and_downloads_need_a_signed_in_account(client, story):
    pid = story["playtest_id"]
    for path in (
        f"/playtests/{pid}/summary",
        f"/playtests/{pid}/report",
        f"/playtests/{pid}/export.csv?table=cases",
        f"/playtests/{pid}/export.json",
    ):
        response = client.get(path)
        assert response.status_code == 302, path
        assert "/login" in response.headers["Location"]


def test_the_api_needs_a_staff_token_and_lets_observers_read(client, make, story, observer):
    pid = story["playtest_id"]
    paths = (
        f"/api/v1/playtests/{pid}/summary",
        f"/api/v1/playtests/{pid}/export.json",
        f"/api/v1/playtests/{pid}/export.csv?table=ratings",
    )
    participant = story["story"].tokens["Ada"]
    for path in paths:
        assert client.get(path).status_code == 403
        response = client.get(path, headers={"Authorization": f"Bearer {participant}"})
        assert response.status_code == 403
        response = client.get(path, headers={"Authorization": f"Bearer {make.token(observer)}"})
        assert response.status_code == 200, path
    response = client.get(
        "/api/v1/playtests/99999/summary",
        headers={"Authorization": f"Bearer {make.token(observer)}"},
    )
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_the_page_shows_the_numbers_of_the_json_summary(client, make, story, observer):
    pid = story["playtest_id"]
    summary = client.get(
        f"/api/v1/playtests/{pid}/summary",
        headers={"Authorization": f"Bearer {make.token(observer)}"},
    ).get_json()
    sign_in(client, observer)
    response = client.get(f"/playtests/{pid}/summary")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    figures = page_figures(html)

    for round_ in summary["rounds"]:
        key = f"round-{round_['id']}"
        cases, confidence = round_["cases"], round_["confidence"]
        assert figures[f"{key}-cases-n"].startswith(str(cases["n"]))
        assert figures[f"{key}-handoffs-median"] == format_number(
            cases["handoffs_per_case"]["median"]
        )
        assert figures[f"{key}-zero-share"] == format_percent(
            cases["handoffs_per_case"]["zero_share"]
        )
        assert figures[f"{key}-time-median"] == format_number(
            cases["time_to_answer_min"]["median"], 1
        )
        assert figures[f"{key}-unanswered"] == str(cases["unanswered"])
        assert figures[f"{key}-before"] == format_number(confidence["before_mean"])
        assert figures[f"{key}-after"] == format_number(confidence["after_mean"])
        assert figures[f"{key}-delta"] == format_signed(confidence["delta_mean"])
        assert figures[f"{key}-wilcoxon-p"] == format_p(confidence["wilcoxon"]["p_value"])
        for session in round_["sessions"]:
            assert figures[f"session-{session['id']}-cases-n"].startswith(
                str(session["cases"]["n"])
            )
    baseline = rounds_by_label(summary)["Baseline"]
    assert figures[f"round-{baseline['id']}-handoffs-median"] == "0.5"
    assert figures[f"round-{baseline['id']}-time-median"] == "20"
    (comparison,) = summary["comparisons"]
    assert figures[f"cmp-{comparison['round_id']}-handoffs-p"] == format_p(
        comparison["handoffs_per_case"]["p_value"]
    )
    assert figures[f"cmp-{comparison['round_id']}-time-cliff"] == format_signed(
        comparison["time_to_answer_min"]["cliffs_delta"]
    )
    assert "n = 3" in html and "Directional only (n &lt; 5)" in html
    assert html.count("<svg") >= 6 and html.count("<figure") == html.count("<figcaption")


def test_the_page_never_shows_an_anonymous_author_or_a_hidden_card(client, story, observer):
    sign_in(client, observer)
    html = client.get(f"/playtests/{story['playtest_id']}/summary").get_data(as_text=True)
    assert "=SUM(A1) waits for policy" in html
    assert "Mrs X in C-9 called twice" not in html
    card = html.split("=SUM(A1) waits for policy", 1)[1].split("</li>", 1)[0]
    assert "anonymous" in card and "Benefits officer" not in card


def test_report_page_and_downloads_for_a_signed_in_observer(client, story, observer):
    pid = story["playtest_id"]
    sign_in(client, observer)
    report = client.get(f"/playtests/{pid}/report")
    assert report.status_code == 200
    html = report.get_data(as_text=True)
    assert "<style" not in html  # served under the CSP: the stylesheet is linked
    assert "summary.css" in html and "Intake playtest" in html
    response = client.get(f"/playtests/{pid}/export.csv?table=cases")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.get_data(as_text=True).startswith(
        "case_id,round_id,round_label,baseline,session_id"
    )
    response = client.get(f"/playtests/{pid}/export.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert set(response.get_json()["tables"]) == {
        "reflections",
        "cases",
        "handoffs",
        "ratings",
        "segments",
        "actions",
        "sessions",
    }
    assert client.get(f"/playtests/{pid}/export.csv").status_code == 422
    assert client.get(f"/playtests/{pid}/export.csv?table=nope").status_code == 422
    assert client.get("/playtests/99999/summary").status_code == 404
    assert client.get("/playtests/99999/report").status_code == 404


@pytest.mark.parametrize(
    "path", ["export.csv?table=cases", "export.json", "export.json?table=ratings"]
)
def test_the_page_and_the_api_hand_out_the_same_private_file(client, make, story, observer, path):
    pid = story["playtest_id"]
    headers = {"Authorization": f"Bearer {make.token(observer)}"}
    from_api = client.get(f"/api/v1/playtests/{pid}/{path}", headers=headers)
    sign_in(client, observer)
    from_page = client.get(f"/playtests/{pid}/{path}")
    for response in (from_api, from_page):
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "private, no-store"  # personal data
    assert from_page.data == from_api.data
    assert from_page.headers["Content-Disposition"] == from_api.headers["Content-Disposition"]


def test_report_command_writes_the_standalone_report(runner, story, tmp_path):
    pid = story["playtest_id"]
    result = runner.invoke(args=["report", str(pid)])
    assert result.exit_code == 0, result.output
    html = result.output
    assert html.lstrip().startswith("<!DOCTYPE html>")
    assert "<style>" in html and ".pt-report" in html  # opens offline, styled
    assert "Intake playtest" in html and html.count("<svg") >= 6
    assert "Directional only (n &lt; 5)" in html

    target = tmp_path / "report.html"
    result = runner.invoke(args=["report", str(pid), "--output", str(target), "--lang", "fr"])
    assert result.exit_code == 0, result.output
    assert '<html lang="fr">' in target.read_text(encoding="utf-8")

    result = runner.invoke(args=["report", "99999"])
    assert result.exit_code != 0
    assert "No playtest #99999" in result.output


@pytest.mark.parametrize(
    ("accept", "lang", "median", "status", "link", "title"),
    [
        (
            "en-CA,en;q=0.9",
            "en",
            "0.5",
            "(not started)",
            "Cases (CSV)",
            "Handoffs per case by round: median and interquartile range",
        ),
        (
            "fr-CA,fr;q=0.9",
            "fr",
            "0,5",
            "(pas encore commencée)",
            "Dossiers (CSV)",
            "Transferts par dossier selon la ronde\u00a0: médiane et écart interquartile",
        ),
    ],
)
def test_the_summary_speaks_the_reader_s_language(
    client, make, story, observer, accept, lang, median, status, link, title
):
    pid = story["playtest_id"]
    summary = client.get(
        f"/api/v1/playtests/{pid}/summary",
        headers={"Authorization": f"Bearer {make.token(observer)}"},
    ).get_json()
    sign_in(client, observer)

    html = client.get(f"/playtests/{pid}/summary", headers={"Accept-Language": accept}).get_data(
        as_text=True
    )

    figures = page_figures(html)
    baseline = rounds_by_label(summary)["Baseline"]
    (comparison,) = summary["comparisons"]
    key = f"cmp-{comparison['round_id']}"
    assert figures[f"round-{baseline['id']}-handoffs-median"] == median
    # p-values and effect sizes are written the same way as every other figure.
    assert figures[f"{key}-handoffs-p"] == format_p(
        comparison["handoffs_per_case"]["p_value"], locale=lang
    )
    cliff = format_signed(comparison["time_to_answer_min"]["cliffs_delta"], locale=lang)
    assert figures[f"{key}-time-cliff"] == cliff
    assert ("," in cliff) == (lang == "fr")
    # Baseline session 2 never started: its status reads as words, never as a stored key.
    assert status in html and "not_started" not in html
    assert ("not started" in html) == (lang == "en")
    assert f"download>{link}</a>" in html
    assert f">{title}</title>" in html
