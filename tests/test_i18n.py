"""English and French: the catalogues, each person's language, and paired playbooks live."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from playtest.extensions import db, socketio
from playtest.facilitation import services as facilitation
from playtest.models import Attendance, Case, Reflection
from tests.auth import csrf_token, login
from tests.conftest import ROOT, SMALL_PLAYBOOK, drain, emit, new_id

TRANSLATIONS = ROOT / "playtest" / "translations"
FRENCH_PO = TRANSLATIONS / "fr" / "LC_MESSAGES" / "messages.po"
FRENCH_MO = TRANSLATIONS / "fr" / "LC_MESSAGES" / "messages.mo"

# Path prefixes whose text may stay untranslated for a while (a module still being written):
# a message is exempt only if *all* its locations are under them. Empty: nothing is exempt.
NOT_YET_TRANSLATED = ()

# %(name)s-style (with its conversion), a literal %%, and the {name} / %{count} placeholders
# that the live views' JavaScript and GOV.UK Frontend fill in.
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%%|\{\w+\}")

SMALL_PLAYBOOK_FR = """Title: Petite mise à l'essai
Sessions: 2
Duration: 30
Lanes: Points forts
       Obstacles
       Occasions
Roles: Agente ou agent d'accueil
       Agente ou agent de prestations
       Conseillère ou conseiller en politiques
Questions: Je sais à qui m'adresser
           Je me sens en lien avec mes collègues
Votes: 3
Language: fr

Bienvenue à toutes et à tous.

## Travail sur les dossiers en cellule (20 min) {: .work }
Traitez les dossiers ensemble.

### Notes pour l'animation
Surveillez les transferts.

## Réflexion (10 min) {: .reflect }
Publiez vos points forts, obstacles et occasions.
"""


# --- the catalogues --------------------------------------------------------------------------


def _key(message_id: str | list | tuple) -> str | tuple:
    """A message id (or string) as a dict key: a plural's forms become a tuple."""
    return message_id if isinstance(message_id, str) else tuple(message_id)


def _french() -> dict:
    with FRENCH_PO.open("rb") as handle:
        catalog = read_po(handle, locale="fr")
    return {_key(message.id): message for message in catalog if message.id}


def _extracted() -> dict:
    """Every translatable message in the code and templates now, with where it occurs."""
    with (ROOT / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
    found: dict = {}
    for filename, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=keywords
    ):
        found.setdefault(_key(message), set()).add(Path(filename).as_posix())
    return found


def _exempt(locations: set[str]) -> bool:
    return bool(NOT_YET_TRANSLATED) and all(
        location.startswith(NOT_YET_TRANSLATED) for location in locations
    )


def _forms(message) -> list[tuple[str, str]]:
    """(source, translation) pairs; a plural's forms are checked against its plural msgid."""
    if isinstance(message.id, str):
        return [(message.id, message.string)]
    singular, plural = message.id
    return [(singular, message.string[0]), *((plural, form) for form in message.string[1:])]


def test_every_message_in_the_code_has_a_french_translation():
    """Fails on any text added without `make translations` and a French entry."""
    french = _french()
    missing = []
    for key, locations in sorted(_extracted().items(), key=lambda item: str(item[0])):
        if _exempt({location.removeprefix(f"{ROOT.as_posix()}/") for location in locations}):
            continue
        message = french.get(key)
        if message is None or message.fuzzy or not all(text for _, text in _forms(message)):
            missing.append(key)
    assert not missing, "No French translation (run `make translations`, then translate):\n" + (
        "\n".join(map(str, missing))
    )


def test_the_french_catalogue_compiles_and_the_app_loads_that_build():
    with FRENCH_PO.open("rb") as handle:
        catalog = read_po(handle, locale="fr")
    assert catalog.plural_forms == "nplurals=2; plural=(n > 1);"
    problems = [(message.id, errors) for message, errors in catalog.check()]
    assert not problems
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    fresh = {_key(m.id): _key(m.string) for m in read_mo(compiled) if m.id}
    with FRENCH_MO.open("rb") as handle:
        shipped = {_key(m.id): _key(m.string) for m in read_mo(handle) if m.id}
    assert shipped == fresh, "messages.mo is stale: run `make compile-translations`"


def test_translations_keep_every_placeholder_and_edge_space():
    problems = []
    for message in _french().values():
        for source, text in _forms(message):
            if not text:
                continue
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(text)):
                problems.append((source, text))
            # " this card" is appended to a button's visible text: keep the joining space.
            if (source[:1] == " ", source[-1:] == " ") != (text[:1] == " ", text[-1:] == " "):
                problems.append((source, text))
    assert not problems


def test_french_follows_canadian_typography():
    """A non-breaking space before a colon and inside « », none before ? ! ;."""
    problems = [
        text
        for message in _french().values()
        for _source, text in _forms(message)
        if re.search(r"(?<!\u00a0):(?=\s|$)|\s[?!;]|«(?!\u00a0)|(?<!\u00a0)»", text)
    ]
    assert not problems


# --- pages in both languages -----------------------------------------------------------------


def _html_lang(response) -> str:
    return re.search(r'<html lang="(\w+)"', response.get_data(as_text=True)).group(1)


@pytest.mark.parametrize(
    ("header", "lang", "label", "button"),
    [
        ("en-CA,en;q=0.9", "en", "Email address", "Sign in"),
        ("fr-CA,fr;q=0.9,en;q=0.5", "fr", "Adresse courriel", "Se connecter"),
    ],
)
def test_the_login_page_follows_the_browser_language(client, header, lang, label, button):
    response = client.get("/login", headers={"Accept-Language": header})

    page = response.get_data(as_text=True)
    assert _html_lang(response) == lang
    assert f">{label}</label>" in page
    assert f">{button}</button>" in page


def test_lang_in_a_link_wins_and_is_remembered(client):
    first = client.get("/login?lang=fr", headers={"Accept-Language": "en"})
    again = client.get("/login", headers={"Accept-Language": "en"})

    assert _html_lang(first) == "fr"
    assert _html_lang(again) == "fr"
    assert "Mot de passe" in again.get_data(as_text=True)


def test_the_toggle_switches_language_and_a_cookie_remembers_it(app, client):
    page = client.get("/login", headers={"Accept-Language": "en"})
    assert "Français — changer de langue" in page.get_data(as_text=True)

    switched = client.post(
        "/language",
        data={"lang": "fr", "next": "/login", "csrf_token": csrf_token(page.data)},
        headers={"Accept-Language": "en"},
    )

    assert switched.status_code == 302 and switched.headers["Location"] == "/login"
    assert "lang=fr" in switched.headers["Set-Cookie"]
    back = client.get("/login", headers={"Accept-Language": "en"})
    assert _html_lang(back) == "fr"
    assert "English — change language" in back.get_data(as_text=True)
    # A new browser session (no Flask session) still has the remembered cookie.
    fresh = app.test_client()
    fresh.set_cookie("lang", "fr", domain="playtest.test")
    assert _html_lang(fresh.get("/login", headers={"Accept-Language": "en"})) == "fr"


def test_the_toggle_refuses_a_forged_request_and_an_outside_target(client):
    refused = client.post("/language", data={"lang": "fr", "next": "/login"})
    outside = client.post(
        "/language",
        data={
            "lang": "fr",
            "next": "//evil.example/",
            "csrf_token": csrf_token(client.get("/login").data),
        },
    )

    assert "Set-Cookie" not in refused.headers or "lang=" not in refused.headers["Set-Cookie"]
    assert outside.headers["Location"] == "/"


def test_the_library_in_french_formats_dates_for_french(client, make):
    make.facilitator()
    playbook = make.playbook()
    playbook.created_at = datetime(2026, 2, 5, 9, 30, tzinfo=UTC)
    db.session.commit()
    login(client)

    english = client.get("/playbooks?lang=en").get_data(as_text=True)
    french = client.get("/playbooks?lang=fr").get_data(as_text=True)

    assert "5 Feb 2026" in english and ">Library</h2>" in english
    assert "5 févr. 2026" in french and ">Bibliothèque</h2>" in french
    assert "Téléverser un guide" in french


def test_the_sign_in_prompt_speaks_the_persons_language(client):
    page = client.get("/playtests?lang=fr", follow_redirects=True).get_data(as_text=True)

    assert "Connectez-vous pour voir cette page" in page


def test_form_errors_speak_the_persons_language(client, paired):
    form = client.get(f"/j/{paired.join_code}?lang=fr")
    refused = client.post(
        f"/j/{paired.join_code}",
        data={"display_name": "", "role": "", "csrf_token": csrf_token(form.data)},
    )

    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "Il y a un problème" in page and "Ce champ est requis." in page


def test_error_pages_speak_the_persons_language(client):
    missing = client.get("/no-such-page", headers={"Accept-Language": "fr"})
    assert missing.status_code == 404
    assert "Page introuvable" in missing.get_data(as_text=True)


def test_a_mistyped_code_is_refused_in_the_persons_language(client):
    response = client.get("/j/NOSUCHCODE", headers={"Accept-Language": "fr"})
    assert response.status_code == 404
    assert "Aucune séance ne correspond à ce code" in response.get_data(as_text=True)


# --- a paired round --------------------------------------------------------------------------


@pytest.fixture
def paired(make):
    """Session 1 of a round running the English playbook paired with its French version."""
    english = make.playbook(SMALL_PLAYBOOK)
    french = make.playbook(SMALL_PLAYBOOK_FR)
    playtest = facilitation.create_playtest("Intake playtest")
    round_ = facilitation.add_round(
        playtest, "Prototype A", english.id, paired_playbook_id=french.id
    )
    session, _created = facilitation.schedule_session(round_, 1)
    return session


def _strings(page: str) -> dict:
    import json

    block = re.search(r'<script type="application/json" id="pt-strings">(.*?)</script>', page, re.S)
    return json.loads(block.group(1))


@pytest.mark.parametrize(
    ("lang", "title", "role", "button"),
    [
        ("en", "Small test playtest", "Intake officer", "Join session"),
        ("fr", "Petite mise à l&#39;essai", "Agente ou agent d&#39;accueil", "Rejoindre la séance"),
    ],
)
def test_the_join_form_offers_roles_in_the_persons_language(
    client, paired, lang, title, role, button
):
    page = client.get(f"/j/{paired.join_code}?lang={lang}").get_data(as_text=True)

    assert title in page
    assert f'value="{role}"' in page
    assert f">{button}</button>" in page


def test_joining_in_french_keeps_the_canonical_role_and_the_language(client, paired):
    form = client.get(f"/j/{paired.join_code}?lang=fr")
    joined = client.post(
        f"/j/{paired.join_code}",
        data={
            "display_name": "Aïcha",
            "role": "Conseillère ou conseiller en politiques",
            "csrf_token": csrf_token(form.data),
        },
    )
    assert joined.status_code == 302

    view = client.get(joined.headers["Location"])

    attendance = db.session.scalar(db.select(Attendance))
    assert (attendance.role, attendance.language) == ("Policy advisor", "fr")
    page = view.get_data(as_text=True)
    assert _html_lang(view) == "fr"
    assert "Vous êtes Aïcha (Conseillère ou conseiller en politiques)." in page
    # The composer shows the French lane names and sends the round's own ones.
    assert '<option value="Blockers">Obstacles</option>' in page
    assert 'data-lane="Blockers"' in page and ">Obstacles</h2>" in page
    assert "Je me sens en lien avec mes collègues" in page
    assert "Ajouter une réflexion" in page
    strings = _strings(page)
    assert (
        strings["cards_one"] == "{n} carte" and strings["votes_left"] == "Votes restants\u00a0: {n}"
    )


def test_switching_language_on_the_participant_page_moves_the_live_session_too(client, paired):
    page = client.get(f"/j/{paired.join_code}?lang=fr")
    client.post(
        f"/j/{paired.join_code}",
        data={
            "display_name": "Ada",
            "role": "Agente ou agent d'accueil",
            "csrf_token": csrf_token(page.data),
        },
    )
    view = client.get(f"/j/{paired.join_code}")
    assert db.session.scalar(db.select(Attendance.language)) == "fr"

    client.post(
        "/language",
        data={"lang": "en", "next": f"/j/{paired.join_code}", "csrf_token": csrf_token(view.data)},
    )
    english = client.get(f"/j/{paired.join_code}").get_data(as_text=True)

    db.session.expire_all()
    assert db.session.scalar(db.select(Attendance.language)) == "en"
    assert "You are Ada (Intake officer)." in english
    assert '<option value="Blockers">Blockers</option>' in english


def _api_join(client, session, name, role, language):
    response = client.post(
        "/api/v1/join",
        json={"code": session.join_code, "display_name": name, "role": role, "language": language},
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()["participant_token"]


@pytest.fixture
def room(app, client, paired, live, make):
    """Amélie follows in French and Ben in English, in one live session; and a French console."""
    amelie = _api_join(client, paired, "Amélie", "Agente ou agent de prestations", "fr")
    ben = _api_join(client, paired, "Ben", "Intake officer", "en")
    staff = socketio.test_client(
        app,
        namespace="/live",
        auth={"token": make.token(make.facilitator()), "session_id": paired.id},
        headers={"Accept-Language": "fr-CA,fr;q=0.9"},
    )
    live.clients.append(staff)
    clients = {"amelie": live.participant(amelie), "ben": live.participant(ben), "staff": staff}
    states = {name: drain(client)["state"][0] for name, client in clients.items()}
    return {
        "session": paired,
        "live": live,
        "tokens": {"amelie": amelie, "ben": ben},
        "states": states,
        **clients,
    }


def test_each_participant_sees_the_agenda_and_lanes_in_their_own_language(room):
    amelie, ben = room["states"]["amelie"], room["states"]["ben"]

    assert amelie["lanes"] == ["Points forts", "Obstacles", "Occasions"]
    assert ben["lanes"] == ["Highlights", "Blockers", "Opportunities"]
    assert amelie["lane_keys"] == ben["lane_keys"] == ben["lanes"]
    assert [s["title"] for s in amelie["agenda"]["segments"]] == [
        "Travail sur les dossiers en cellule",
        "Réflexion",
    ]
    assert [s["title"] for s in ben["agenda"]["segments"]] == ["Case work in pods", "Reflect"]
    assert "Traitez les dossiers" in amelie["agenda"]["segments"][0]["prompt_html"]
    assert amelie["session"]["questions"][0] == "Je sais à qui m'adresser"
    assert ben["session"]["questions"][0] == "I know who to ask"
    assert amelie["session"]["role_keys"] == ben["session"]["roles"]
    assert amelie["me"]["role"] == "Benefits officer"
    assert amelie["me"]["role_label"] == "Agente ou agent de prestations"
    assert (amelie["session"]["locale"], ben["session"]["locale"]) == ("fr", "en")
    # One clock: the same segments, minutes and timer for both.
    assert [s["minutes"] for s in amelie["agenda"]["segments"]] == [20, 10]
    assert amelie["timer"]["remaining_s"] == ben["timer"]["remaining_s"]


def test_the_console_follows_its_own_language(room):
    staff = room["states"]["staff"]

    assert staff["lanes"][1] == "Obstacles"
    assert "Surveillez les transferts." in staff["agenda"]["segments"][0]["notes_html"]


def test_a_card_posted_in_a_french_lane_lands_in_the_shared_lane(room):
    ack = emit(
        room["amelie"],
        "reflection:add",
        {"client_id": new_id(), "lane": "Obstacles", "text": "Trop de transferts"},
    )

    assert ack["ok"] is True
    assert ack["reflection"]["lane"] == "Blockers"
    (arrived,) = drain(room["ben"])["reflection:added"]
    assert arrived["lane"] == "Blockers" and arrived["text"] == "Trop de transferts"
    assert arrived["author"]["role"] == "Benefits officer"
    assert db.session.scalar(db.select(Reflection.lane)) == "Blockers"
    # In a fresh `state`, the card carries its lane's position: each reads their own name.
    room["amelie"].disconnect(namespace="/live")
    again = drain(live_participant(room, "amelie"))["state"][0]
    (card,) = again["reflections"]
    assert (card["lane"], card["lane_index"]) == ("Blockers", 1)
    assert again["lanes"][card["lane_index"]] == "Obstacles"
    assert again["session"]["role_labels"][card["author"]["role"]] == (
        "Agente ou agent de prestations"
    )


def live_participant(room: dict, name: str):
    return room["live"].participant(room["tokens"][name])


def test_cards_keep_a_lane_from_the_lanes_list_in_a_single_language_round(make, live):
    session = make.session()
    token, _attendance = make.join(session)
    client = live.participant(token)
    emit(client, "reflection:add", {"client_id": new_id(), "lane": "Blockers", "text": "Slow"})
    client.disconnect(namespace="/live")

    state = drain(live.participant(token))["state"][0]

    assert state["lanes"] == state["lane_keys"]
    (card,) = state["reflections"]
    assert card["lane"] in state["lanes"] and card["lane_index"] == 1


def test_acks_explain_a_refusal_in_the_senders_language(room):
    payload = {"lane": "Nowhere", "text": "Hello"}

    french = emit(room["amelie"], "reflection:add", {"client_id": new_id(), **payload})
    english = emit(room["ben"], "reflection:add", {"client_id": new_id(), **payload})

    assert french["error"] == {
        "code": "invalid",
        "message": "Choisissez l'une des colonnes du tableau.",
    }
    assert english["error"]["message"] == "Choose one of the board's lanes."
    assert emit(room["amelie"], "reflection:vote", {"id": 999, "on": True})["error"]["message"] == (
        "Cette carte n'est pas sur ce tableau."
    )
    assert emit(room["ben"], "reflection:add", ["not", "an", "object"])["error"]["message"] == (
        "The payload must be one JSON object."
    )
    assert emit(room["amelie"], "reflection:add", ["pas", "un", "objet"])["error"]["message"] == (
        "Le contenu doit être un seul objet JSON."
    )


def test_the_clock_explains_a_refusal_in_the_facilitators_language(room):
    refused = emit(room["staff"], "timer:control", {"action": "resume"})["error"]
    assert refused["message"] == "La séance n'a pas encore commencé — utilisez Démarrer."
    emit(room["staff"], "timer:control", {"action": "start"})
    too_long = emit(room["staff"], "timer:control", {"action": "extend", "minutes": 500})
    assert too_long["error"]["message"] == "Vous pouvez ajouter de 1 à 120 minutes à la fois."


def test_a_handoff_to_a_french_role_name_reaches_the_english_role_queue(room):
    opened = emit(room["ben"], "case:open", {"client_id": new_id(), "label": "C-104"})
    case_id = opened["case"]["id"]

    handed = emit(
        room["ben"],
        "case:handoff",
        {"client_id": new_id(), "case_id": case_id, "to_role": "Agente ou agent de prestations"},
    )
    again = emit(
        room["amelie"],
        "case:handoff",
        {"client_id": new_id(), "case_id": case_id, "to_role": "Benefits officer"},
    )

    assert handed["ok"] is True and handed["case"]["holder_role"] == "Benefits officer"
    assert db.session.get(Case, case_id).holder_role == "Benefits officer"
    assert again["error"]["message"] == (
        "Ce dossier est déjà confié au rôle «\u00a0Agente ou agent de prestations\u00a0»."
    )


def test_ratings_use_shared_question_indexes(room):
    ack = emit(room["amelie"], "rating:submit", {"phase": "before", "answers": {"1": 4}})
    refused = emit(room["amelie"], "rating:submit", {"phase": "before", "answers": {"7": 4}})

    assert ack["answers"] == {"1": 4}
    assert refused["error"]["message"] == "L'énoncé 7 n'existe pas."


def test_the_api_join_maps_a_french_role_and_refuses_an_unknown_one(client, paired):
    refused = client.post(
        "/api/v1/join",
        json={"code": paired.join_code, "display_name": "Zoé", "role": "Pilote"},
        headers={"Accept-Language": "fr"},
    )
    _api_join(client, paired, "Zoé", "Conseillère ou conseiller en politiques", "fr")

    assert refused.status_code == 422
    assert refused.get_json()["error"]["message"] == "Choisissez l'un des rôles proposés."
    assert db.session.scalar(db.select(Attendance.role)) == "Policy advisor"


def test_the_facilitator_reveals_a_lane_by_either_name(room, make):
    staff = room["staff"]
    assert emit(staff, "board:mode", {"mode": "private"})["ok"]

    revealed = emit(staff, "board:reveal", {"lane": "Occasions"})

    assert revealed["revealed_lanes"] == ["Opportunities"]
