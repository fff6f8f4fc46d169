"""The playbook library in Chromium: a refused upload lists its problems in the reader's words."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser import PHONE, describe_violations, sign_in
from tests.playbooks.test_routes import MALFORMED

NB = "\u00a0"


@pytest.mark.parametrize(
    ("lang", "field", "button", "problem"),
    [
        (
            "en",
            "Or paste the playbook",
            "Check and import",
            'Line 3: Votes must be a whole number from 0 to 50, not "lots" '
            '— write it like "Votes: 5"',
        ),
        (
            "fr",
            "Ou collez le guide",
            "Vérifier et importer",
            f"Ligne 3{NB}: Votes doit être un nombre entier de 0 à 50, et non «{NB}lots{NB}» "
            f"— écrivez par exemple «{NB}Votes{NB}: 5{NB}»",
        ),
    ],
)
def test_a_refused_upload_lists_every_problem_in_the_reader_s_language(
    new_page, axe, live_session, lang, field, button, problem
):
    page = new_page(PHONE)
    sign_in(page, live_session.url, live_session.email, live_session.password)
    page.goto(f"{live_session.url}/playbooks?lang={lang}")

    page.get_by_label(field).fill(MALFORMED)
    page.get_by_role("button", name=button).click()

    errors = page.locator("#import-errors li")
    expect(errors.first).to_be_visible()
    assert problem in errors.all_inner_texts()
    expect(page.locator("#import-warnings")).to_be_visible()
    # Each problem links to the box holding the markdown, which still holds it.
    errors.first.get_by_role("link").click()
    expect(page.get_by_label(field)).to_be_focused()
    expect(page.get_by_label(field)).to_have_value(MALFORMED)
    violations = axe(page)
    assert not violations, describe_violations(violations)
