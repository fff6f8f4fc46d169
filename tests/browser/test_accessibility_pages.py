"""Staff pages in Chromium: axe-core, 200 % zoom without loss, visible keyboard focus."""

from __future__ import annotations

import pytest

from playtest.models import Playbook
from tests.browser import LAPTOP, describe_violations, sign_in
from tests.conftest import SAMPLES
from tests.server import seeded_app

# 200 % zoom of a 1280 px wide window lays the page out in 640 CSS pixels.
ZOOMED = {"width": 640, "height": 450}


@pytest.fixture
def staff_pages(live_session) -> dict[str, str]:
    """Paths of every staff page, on the shared server, with a playbook in the library."""
    from playtest.extensions import db
    from playtest.playbooks.services import import_playbook

    with seeded_app(live_session.database_url):
        playbook = import_playbook((SAMPLES / "cross-functional-intake.md").read_bytes()).playbook
        playbook = db.session.get(Playbook, playbook.id)
        playbook_id, share = playbook.id, playbook.share_token
        from playtest.models import Session

        playtest_id = db.session.get(Session, live_session.session_id).round.playtest_id
    return {
        "library": "/playbooks",
        "preview": f"/playbooks/{playbook_id}",
        "share": f"/p/{share}",
        "playtests": "/playtests",
        "playtest": f"/playtests/{playtest_id}",
    }


def overflows_horizontally(page) -> bool:
    return page.evaluate(
        "() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1"
    )


def test_login_page_passes_axe_and_reflows(new_page, axe, live_session):
    for viewport in (LAPTOP, ZOOMED):
        page = new_page(viewport=viewport)
        page.goto(f"{live_session.url}/login")
        assert not overflows_horizontally(page), viewport
        violations = axe(page)
        assert not violations, describe_violations(violations)


@pytest.mark.parametrize("name", ["library", "preview", "share", "playtests", "playtest"])
def test_staff_page_passes_axe_and_keeps_working_at_200_percent(
    new_page, axe, live_session, staff_pages, name
):
    for viewport in (LAPTOP, ZOOMED):
        page = new_page(viewport=viewport)
        sign_in(page, live_session.url, live_session.email, live_session.password)
        page.goto(live_session.url + staff_pages[name])
        assert not overflows_horizontally(page), (name, viewport)
        violations = axe(page)
        assert not violations, describe_violations(violations)


def test_keyboard_focus_is_always_visible(new_page, live_session, staff_pages):
    page = new_page()
    sign_in(page, live_session.url, live_session.email, live_session.password)
    page.goto(live_session.url + staff_pages["playtest"])
    for _ in range(12):
        page.keyboard.press("Tab")
        style = page.evaluate(
            """() => {
                const el = document.activeElement;
                const s = getComputedStyle(el);
                return {tag: el.tagName, outline: s.outlineStyle, width: s.outlineWidth,
                        shadow: s.boxShadow, background: s.backgroundColor};
            }"""
        )
        if style["tag"] == "BODY":
            continue
        visible = (style["outline"] != "none" and style["width"] != "0px") or style[
            "shadow"
        ] != "none"
        assert visible, style
