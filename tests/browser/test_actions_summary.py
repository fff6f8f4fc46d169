"""The summary page's actions timeline, on the demo playtest with two actions added."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect

from tests.browser import describe_violations, sign_in
from tests.browser.test_summary_page import demo_server  # noqa: F401
from tests.server import seeded_app


def _add_actions(database_url: str, playtest_id: int) -> None:
    import sqlalchemy as sa

    from playtest.actions.models import Action
    from playtest.extensions import db
    from playtest.models import Round, SegmentRun, Session
    from playtest.timeutil import iso_ms

    with seeded_app(database_url):
        sessions = db.session.execute(
            sa.select(Session, sa.func.min(SegmentRun.started_at))
            .join(Round, Round.id == Session.round_id)
            .join(SegmentRun, SegmentRun.session_id == Session.id)
            .where(Round.playtest_id == playtest_id)
            .group_by(Session.id)
            .order_by(sa.func.min(SegmentRun.started_at))
        ).all()
        first, first_start = sessions[0]
        _second, second_start = sessions[1]
        _third, third_start = sessions[2]
        after = first_start + timedelta(minutes=80)

        def entry(status, at):
            return {"status": status, "at": iso_ms(at), "session_id": first.id}

        for n, (text, history, status) in enumerate(
            [
                (
                    "Intake checks eligibility before handing off",
                    [entry("agreed", after), entry("trying", after), entry("done", third_start)],
                    "done",
                ),
                (
                    "A shared inbox for benefits and policy",
                    [entry("agreed", after), entry("trying", second_start + timedelta(hours=1))],
                    "trying",
                ),
            ]
        ):
            db.session.add(
                Action(
                    playtest_id=playtest_id,
                    round_id=first.round_id,
                    origin_session_id=first.id,
                    origin_session_number=first.number,
                    client_id=f"demo-action-{n}",
                    text=text,
                    owner="Intake officer",
                    status=status,
                    history=history,
                )
            )
        db.session.commit()


def test_the_summary_draws_the_actions_timeline(demo_server, new_page, axe, tmp_path):  # noqa: F811
    server, info = demo_server
    from playtest.demo import EMAIL, PASSWORD

    _add_actions(server.database_url, info.playtest_id)
    for name, size in (
        ("laptop-1366", {"width": 1366, "height": 768}),
        ("phone-390", {"width": 390, "height": 844}),
        ("projector-1920", {"width": 1920, "height": 1080}),
    ):
        page = new_page(size)
        sign_in(page, server.url, EMAIL, PASSWORD)
        page.goto(f"{server.url}/playtests/{info.playtest_id}/summary#actions")
        figure = page.locator("#figure-actions-timeline")
        expect(figure.locator("svg[role=img]")).to_be_visible()
        expect(figure.locator("rect.pt-chart__span")).to_have_count(2)
        expect(figure.get_by_role("table")).to_contain_text("Intake checks eligibility")
        page.locator("#actions").screenshot(path=f"{tmp_path}/summary-actions-{name}.png")
    violations = axe(page)
    assert violations == [], describe_violations(violations)
    page.goto(f"{server.url}/playtests/{info.playtest_id}/report")
    expect(page.get_by_role("heading", name="Actions", exact=True)).to_be_visible()
