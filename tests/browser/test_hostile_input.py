"""Hostile text in every live field renders as text on every screen; no script ever runs."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser import card, join, post_card, sign_in, wait_live

CARD = '<img src=x onerror="window.pwned=1">Card'
NAME = "<script>window.pwned=1</script>Eve"
LABEL = '<svg onload="window.pwned=1">C-9'
THEME = '"><img src=y onerror="window.pwned=1">Theme'


def never_runs_a_script(page) -> None:
    page.on("dialog", lambda dialog: (_ for _ in ()).throw(AssertionError(dialog.message)))


def test_hostile_text_is_shown_as_text_everywhere(new_page, live_session):
    participant = new_page()
    never_runs_a_script(participant)
    join(participant, live_session.url, live_session.join_code, NAME, "Intake officer")
    post_card(participant, CARD)
    # The card shows at once, from the outbox; the staff snapshot below needs it stored, which
    # the card says by offering "Edit" (hidden while it waits to send).
    expect(card(participant, CARD).get_by_role("button", name="Edit this card")).to_be_visible()

    participant.get_by_role("tab", name="Cases").click()
    participant.get_by_label("Case label").fill(LABEL)
    participant.get_by_role("button", name="Open case").click()
    expect(participant.get_by_text(LABEL).first).to_be_visible()

    with live_session.staff_socket() as staff:
        # The room's events (the case just opened, presence) can reach a new socket before
        # its `state`: read up to the snapshot.
        event, snapshot = staff.receive(timeout=10)
        while event != "state":
            event, snapshot = staff.receive(timeout=10)
        card_id = next(c["id"] for c in snapshot["reflections"] if c["text"] == CARD)
        ack = staff.call("reflection:group", {"ids": [card_id], "title": THEME}, timeout=10)
        assert ack["ok"], ack

    console = new_page()
    never_runs_a_script(console)
    sign_in(console, live_session.url, live_session.email, live_session.password)
    console.goto(live_session.console_url)
    wait_live(console)
    projector = new_page()
    never_runs_a_script(projector)
    projector.goto(live_session.projector_url)
    wait_live(projector)

    participant.get_by_role("tab", name="Board").click()
    for page in (participant, console, projector):
        expect(page.get_by_text(CARD).first).to_be_visible()
        expect(page.get_by_text(THEME).first).to_be_visible()
        assert page.evaluate("() => window.pwned") is None
        assert page.locator("img[src='x'], img[src='y'], svg[onload]").count() == 0
    expect(console.get_by_text(LABEL).first).to_be_visible()
    expect(console.get_by_text(NAME).first).to_be_visible()
