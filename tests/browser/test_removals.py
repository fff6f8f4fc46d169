"""Removing a round from the playtest page: the confirmation names what goes; axe clean."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser import LAPTOP, PHONE, describe_violations, sign_in


def test_a_round_is_removed_after_its_confirmation_page(live_session, new_page, axe, tmp_path):
    sizes = (
        ("phone-390", PHONE),
        ("laptop-1366", LAPTOP | {"height": 768}),
        ("projector-1920", {"width": 1920, "height": 1080}),
    )
    page = new_page(LAPTOP)
    sign_in(page, live_session.url, live_session.email, live_session.password)
    page.goto(f"{live_session.url}/sessions/{live_session.session_id}/console")
    page.get_by_role("link", name="Playtests").click()
    page.get_by_role("link", name="Intake playtest").first.click()
    playtest_url = page.url
    page.get_by_role("button", name="Leave out of the summary (a trial run)").click()
    expect(page.get_by_text("“Baseline” is left out of the summary.")).to_be_visible()
    expect(page.get_by_text("Left out of the summary", exact=True)).to_be_visible()
    for name, size in sizes:
        page.set_viewport_size(size)
        page.screenshot(path=f"{tmp_path}/playtest-page-{name}.png", full_page=True)
    page.get_by_role("link", name="Remove this round").click()
    expect(page.get_by_role("heading", name="Remove the round “Baseline”?")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="1 session")).to_be_visible()
    violations = axe(page)
    assert violations == [], describe_violations(violations)
    for name, size in sizes:
        page.set_viewport_size(size)
        page.screenshot(path=f"{tmp_path}/remove-round-{name}.png", full_page=True)
    page.get_by_role("button", name="Yes, remove it").click()
    expect(page.get_by_text("Removed the round “Baseline”.")).to_be_visible()
    assert page.url.split("#")[0] == playtest_url
    expect(page.get_by_text("No rounds yet.")).to_be_visible()
