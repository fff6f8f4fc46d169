"""The reflection board between participants: live delivery, votes, editing, deleting."""

from __future__ import annotations

from playwright.sync_api import expect

from playtest.models import Reflection
from tests.browser import PHONE, card, join, lane, post_card


def test_a_card_one_person_posts_appears_for_another_without_reload(live_session, new_page):
    ada = new_page(PHONE)
    join(ada, live_session.url, live_session.join_code, "Ada", "Intake officer")
    ben = new_page()
    join(ben, live_session.url, live_session.join_code, "Ben", "Policy advisor")
    for name in ("Highlights", "Blockers", "Opportunities"):
        expect(lane(ben, name).get_by_role("heading", level=2)).to_have_text(name)

    post_card(ada, "Nobody owns the benefits-to-policy step", lane="Blockers")

    arrived = lane(ben, "Blockers").locator(".pt-card")
    expect(arrived).to_have_count(1)
    expect(arrived).to_contain_text("Nobody owns the benefits-to-policy step")
    expect(arrived).to_contain_text("Ada · Intake officer")
    expect(lane(ben, "Blockers")).to_contain_text("1 card")
    # Someone else's card can be voted for, not edited.
    expect(arrived.get_by_role("button", name="Vote for this card")).to_be_visible()
    expect(arrived.get_by_role("button", name="Edit this card")).to_be_hidden()


def test_anonymous_cards_show_no_name_to_others(live_session, new_page):
    ada = new_page(PHONE)
    join(ada, live_session.url, live_session.join_code, "Ada", "Intake officer")
    ben = new_page(PHONE)
    join(ben, live_session.url, live_session.join_code, "Ben", "Policy advisor")

    ada.get_by_label("Post anonymously").check()
    post_card(ada, "Handoffs feel like throwing work over a wall")

    expect(card(ada, "Handoffs feel like throwing work over a wall")).to_contain_text(
        "You (anonymous)"
    )
    theirs = card(ben, "Handoffs feel like throwing work over a wall")
    expect(theirs).to_contain_text("Anonymous")
    expect(theirs).not_to_contain_text("Ada")


def test_votes_toggle_and_count_down_the_allowance(live_session, new_page):
    ada = new_page(PHONE)
    join(ada, live_session.url, live_session.join_code, "Ada", "Intake officer")
    ben = new_page(PHONE)
    join(ben, live_session.url, live_session.join_code, "Ben", "Policy advisor")
    post_card(ada, "Case conferences at 10 every day")
    expect(ben.get_by_text("Votes left: 3")).to_be_visible()

    theirs = card(ben, "Case conferences at 10 every day")
    theirs.get_by_role("button", name="Vote for this card").click()

    expect(theirs.get_by_role("button", name="Remove vote")).to_be_visible()
    expect(ben.get_by_text("Votes left: 2")).to_be_visible()
    expect(theirs).to_contain_text("1 vote")
    expect(card(ada, "Case conferences at 10 every day")).to_contain_text("1 vote")

    theirs.get_by_role("button", name="Remove vote").click()
    expect(ben.get_by_text("Votes left: 3")).to_be_visible()
    expect(card(ada, "Case conferences at 10 every day")).to_contain_text("0 votes")


def test_own_cards_can_be_edited_and_deleted(live_session, new_page):
    ada = new_page(PHONE)
    join(ada, live_session.url, live_session.join_code, "Ada", "Intake officer")
    ben = new_page(PHONE)
    join(ben, live_session.url, live_session.join_code, "Ben", "Policy advisor")
    post_card(ada, "Forms are long")
    expect(card(ben, "Forms are long")).to_have_count(1)

    mine = card(ada, "Forms are long")
    mine.get_by_role("button", name="Edit this card").click()
    ada.get_by_label("Card text").fill("Forms are long and ask twice for the same thing")
    ada.get_by_role("button", name="Save", exact=True).click()
    expect(card(ben, "ask twice for the same thing")).to_have_count(1)

    edited = card(ada, "ask twice for the same thing")
    edited.get_by_role("button", name="Delete this card").click()
    edited.get_by_role("button", name="Yes, delete it").click()
    expect(ada.locator(".pt-card")).to_have_count(0)
    expect(ben.locator(".pt-card")).to_have_count(0)
    assert live_session.rows(Reflection, deleted=True) == 1


def test_sort_by_votes_puts_the_most_voted_card_first(live_session, new_page):
    ada = new_page(PHONE)
    join(ada, live_session.url, live_session.join_code, "Ada", "Intake officer")
    post_card(ada, "First posted")
    post_card(ada, "Second posted")
    expect(ada.locator(".pt-card")).to_have_count(2)
    second = card(ada, "Second posted")
    second.get_by_role("button", name="Vote for this card").click()
    expect(second).to_contain_text("1 vote")

    cards = lane(ada, "Highlights").locator(".pt-card__text")
    expect(cards).to_have_text(["First posted", "Second posted"])
    ada.get_by_label("Sort by votes").check()
    expect(cards).to_have_text(["Second posted", "First posted"])
