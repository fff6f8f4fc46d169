"""English and French in the browser: the toggle, and two languages in one live session."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser import PHONE, card, describe_violations, join, lane, wait_live
from tests.conftest import SMALL_PLAYBOOK, Factory
from tests.server import seeded_app
from tests.test_i18n import SMALL_PLAYBOOK_FR


def test_the_toggle_switches_a_participant_page_to_french(live_session, new_page, axe):
    page = new_page(PHONE)
    join(page, live_session.url, live_session.join_code, "Ada", "Intake officer")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.get_by_role("button", name="Français — changer de langue").click()

    wait_live(page)
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", name="Ajouter une réflexion")).to_be_visible()
    expect(page.get_by_text("En attente du début de la séance")).to_be_visible()
    page.get_by_label("Colonne").select_option("Blockers")
    page.get_by_label("Votre réflexion").fill("Le guichet commun aide")
    page.get_by_role("button", name="Publier", exact=True).click()
    posted = card(page, "Le guichet commun aide")
    expect(posted.get_by_text("Vous · Intake officer")).to_be_visible()
    expect(posted).to_contain_text("0 vote")  # French puts zero in the singular
    expect(lane(page, "Blockers")).to_contain_text("1 carte")
    violations = axe(page)
    assert not violations, describe_violations(violations)

    page.reload()  # the choice is remembered
    wait_live(page)
    expect(page.get_by_role("button", name="English — change language")).to_be_visible()


def test_two_languages_share_one_board(browser_server, new_page):
    with seeded_app(browser_server.database_url) as app:
        from playtest.facilitation import services as facilitation

        make = Factory(app)
        english, french = make.playbook(SMALL_PLAYBOOK), make.playbook(SMALL_PLAYBOOK_FR)
        playtest = facilitation.create_playtest("Bilingual intake")
        round_ = facilitation.add_round(
            playtest, "Prototype A", english.id, paired_playbook_id=french.id
        )
        session, _created = facilitation.schedule_session(round_, 1)
        code = session.join_code

    amelie = new_page(PHONE, locale="fr-CA", extra_http_headers={"Accept-Language": "fr-CA"})
    join_fr(amelie, f"{browser_server.url}/j/{code}", "Amélie", "Agente ou agent de prestations")
    ben = new_page(PHONE)
    join(ben, browser_server.url, code, "Ben", "Intake officer")

    expect(amelie.get_by_role("region", name="Obstacles", exact=True)).to_be_visible()
    expect(amelie.locator("#pt-segment-title")).to_have_text("Travail sur les dossiers en cellule")
    expect(ben.locator("#pt-segment-title")).to_have_text("Case work in pods")
    amelie.get_by_label("Colonne").select_option(label="Obstacles")
    amelie.get_by_label("Votre réflexion").fill("Trop de transferts")
    amelie.get_by_role("button", name="Publier", exact=True).click()

    arrived = lane(ben, "Blockers").locator(".pt-card").filter(has_text="Trop de transferts")
    expect(arrived).to_contain_text("Amélie · Benefits officer")
    mine = lane(amelie, "Obstacles").locator(".pt-card").filter(has_text="Trop de transferts")
    expect(mine).to_contain_text("Vous · Agente ou agent de prestations")


def join_fr(page, url: str, name: str, role: str) -> None:
    page.goto(url)
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.get_by_label("Nom affiché").fill(name)
    page.get_by_role("radio", name=role, exact=True).check()
    page.get_by_role("button", name="Rejoindre la séance").click()
    wait_live(page)
