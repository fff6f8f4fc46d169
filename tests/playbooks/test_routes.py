"""The playbook library pages: upload, preview, participant share page and download."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa
from markupsafe import escape

from playtest.extensions import db
from playtest.models import Playbook
from playtest.playbooks.parser import parse_playbook
from tests.auth import PASSWORD, login, page_token
from tests.conftest import SMALL_PLAYBOOK

MALFORMED = """\
Title: Broken playtest
Sessions: 3
Votes: lots
Colour: blue

## Case work in pods {: .work }
Work the cases.

## Reflect (10 min) {: .shiny }

# Session 7
## Wrap up (5 min)
"""

NO_TITLE = """\
Sessions: 1

## Case work (20 min)
"""


@pytest.fixture
def staff(csrf_app, client, make):
    """A client signed in as a facilitator, CSRF checks on."""
    make.facilitator()
    login(client)
    return client


def upload(client, source: str | bytes, *, as_file: bool = True, token: str | None = None):
    """Submit the upload form as a person would: a file, or text pasted in the box."""
    token = token or page_token(client, "/playbooks")
    if as_file:
        raw = source.encode() if isinstance(source, str) else source
        data = {"csrf_token": token, "file": (io.BytesIO(raw), "playbook.md")}
    else:
        data = {"csrf_token": token, "text": source}
    return client.post("/playbooks", data=data, content_type="multipart/form-data")


def count_playbooks() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Playbook))


def line_text(problem) -> str:
    """How the page shows a problem: "Line N: message", escaped as Jinja escapes it."""
    text = problem.message if problem.line is None else f"Line {problem.line}: {problem.message}"
    return str(escape(text))


def test_valid_file_upload_redirects_to_the_preview(staff):
    response = upload(staff, SMALL_PLAYBOOK)
    assert response.status_code == 302
    playbook = db.session.scalar(sa.select(Playbook))
    assert response.location == f"/playbooks/{playbook.id}"
    page = staff.get(response.location).get_data(as_text=True)
    assert "Imported “Small test playtest”, version 1." in page
    assert "<h1" in page and "Small test playtest</h1>" in page


def test_pasted_text_imports_too(staff):
    response = upload(staff, SMALL_PLAYBOOK, as_file=False)
    assert response.status_code == 302
    assert count_playbooks() == 1


def test_empty_upload_asks_for_a_file_or_text(staff):
    response = upload(staff, "", as_file=False)
    assert response.status_code == 400
    assert "Choose a file or paste a playbook" in response.get_data(as_text=True)
    assert count_playbooks() == 0


def test_upload_without_csrf_token_is_refused(staff):
    response = staff.post(
        "/playbooks",
        data={"file": (io.BytesIO(SMALL_PLAYBOOK.encode()), "x.md")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert count_playbooks() == 0


def test_malformed_playbook_lists_every_problem_with_its_line(staff):
    expected = parse_playbook(MALFORMED)
    assert len(expected.errors) >= 4 and expected.warnings  # the document really is that bad

    response = upload(staff, MALFORMED)

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    summary = html[html.index('class="govuk-error-summary"') : html.index('id="library-heading"')]
    errors = summary[summary.index('id="import-errors"') :]
    errors = errors[: errors.index("</ul>")]
    for problem in expected.errors:
        assert line_text(problem) in errors, problem
    assert errors.count("<li>") == len(expected.errors)
    # Warnings are listed, but apart from the errors.
    warnings = html[html.index('id="import-warnings"') :]
    for problem in expected.warnings:
        assert line_text(problem) in warnings
        assert line_text(problem) not in errors
    assert "<title>Error: Playbooks" in html
    assert count_playbooks() == 0


def test_a_problem_with_no_line_is_listed_without_one(staff):
    expected = parse_playbook(NO_TITLE)
    missing_title = [p for p in expected.errors if p.line is None]
    assert missing_title

    response = upload(staff, NO_TITLE, as_file=False)

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    for problem in expected.errors:
        assert line_text(problem) in html
    assert "Line None" not in html
    # The pasted text is still there to fix.
    assert "## Case work (20 min)" in html


def test_same_bytes_again_are_already_in_the_library(staff):
    first = upload(staff, SMALL_PLAYBOOK)
    again = upload(staff, SMALL_PLAYBOOK)
    assert again.status_code == 302
    assert again.location == first.location
    page = staff.get(again.location).get_data(as_text=True)
    assert "That exact playbook is already in the library." in page
    assert count_playbooks() == 1


def test_changed_content_becomes_version_two_beside_version_one(staff):
    upload(staff, SMALL_PLAYBOOK)
    changed = SMALL_PLAYBOOK.replace("Votes: 3", "Votes: 4")
    response = upload(staff, changed)

    assert response.status_code == 302
    versions = db.session.scalars(sa.select(Playbook).order_by(Playbook.version)).all()
    assert [(p.version, p.document["votes"]) for p in versions] == [(1, 3), (2, 4)]
    assert response.location == f"/playbooks/{versions[1].id}"

    preview = staff.get(response.location).get_data(as_text=True)
    assert "Version 2 (this one)" in preview
    assert f'href="/playbooks/{versions[0].id}"' in preview
    library = staff.get("/playbooks").get_data(as_text=True)
    assert f'href="/playbooks/{versions[0].id}"' in library
    assert f'href="/playbooks/{versions[1].id}"' in library


def test_observer_cannot_upload(csrf_app, client, make):
    make.facilitator("observer@example.gov", PASSWORD, role="observer")
    login(client, "observer@example.gov")
    token = page_token(client, "/playbooks")  # the sign-out form's token
    response = upload(client, SMALL_PLAYBOOK, token=token)
    assert response.status_code == 403
    assert count_playbooks() == 0


def test_library_lists_title_version_language_and_length(staff, make):
    make.playbook()
    html = staff.get("/playbooks").get_data(as_text=True)
    row = html[html.index("Small test playtest") :]
    row = row[: row.index("</tr>")]
    assert "English" in row
    assert "2 × 30 min" in row
    assert re.search(r"<time datetime=\"\d{4}-\d\d-\d\dT", row)


def test_preview_shows_agenda_prompts_notes_and_lists(staff, make):
    playbook = make.playbook()
    html = staff.get(f"/playbooks/{playbook.id}").get_data(as_text=True)
    for text in (
        "Case work in pods",
        "Work the cases together.",
        "Watch the handoffs.",  # facilitator notes: staff only
        "Highlights",
        "Intake officer",
        "I know who to ask",
        "Each person has 3 votes per session.",
        "Sessions 1 and 2",  # both sessions share the default agenda
        f"/p/{playbook.share_token}",
        f"/p/{playbook.share_token}.md",
    ):
        assert text in html, text


def test_preview_warns_when_segments_do_not_fill_the_session(staff, make):
    source = SMALL_PLAYBOOK.replace("Duration: 30", "Duration: 45")
    playbook = make.playbook(source)
    assert playbook.warnings
    html = staff.get(f"/playbooks/{playbook.id}").get_data(as_text=True)
    assert "The segments add up to 30 minutes: 15 fewer than the 45-minute session." in html
    for warning in playbook.warnings:
        assert f"Line {warning['line']}: " in html or warning["line"] is None


def test_unknown_playbook_is_not_found(staff):
    assert staff.get("/playbooks/999").status_code == 404
    assert staff.get("/p/not-a-token").status_code == 404


# --- the participant share page ---------------------------------------------------------------


def test_share_page_shows_prompts_but_never_notes_and_needs_no_login(app, make):
    playbook = make.playbook()
    response = app.test_client().get(f"/p/{playbook.share_token}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Work the cases together." in html
    assert "Post your highlights, blockers and opportunities." in html
    assert "Watch the handoffs." not in html
    assert "Facilitator notes" not in html
    assert "Sign out" not in html
    assert 'name="robots" content="noindex' in html


def test_participant_markdown_download_has_no_notes(app, make):
    playbook = make.playbook()
    response = app.test_client().get(f"/p/{playbook.share_token}.md")
    assert response.status_code == 200
    assert response.mimetype == "text/markdown"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    text = response.get_data(as_text=True)
    assert "Work the cases together." in text
    assert "## Reflect (10 min)" in text
    assert "Facilitator notes" not in text
    assert "Watch the handoffs." not in text


# --- XSS --------------------------------------------------------------------------------------

XSS_PLAYBOOK = """\
Title: <script>alert("title")</script> Intake <img src=x onerror=alert(0)>
Sessions: 1
Lanes: <img src=x onerror=alert(1)>
       Blockers
Roles: <b onmouseover=alert(2)>Officer</b>
       Policy "advisor" & co
Questions: <svg onload=alert(3)>Confident?</svg>

Intro <script>alert("intro")</script> [intro link](javascript:alert('intro'))

## Case <script>alert(4)</script> work <img src=x onerror=alert(44)> (20 min) {: .work }
<script>alert(5)</script>
<img src="x" onerror="alert(6)">
[click me](javascript:alert(7))
<a href="javascript:alert(8)">raw link</a>
<a href="  JaVaScRiPt:alert(88)">spaced link</a>
<iframe src="https://evil.example/"></iframe>
<div style="position:fixed" onclick="alert(9)">styled</div>
<form action="https://evil.example/"><input name="x"></form>
Visible prompt text.

### Facilitator notes
<script>alert("notes")</script><img src=x onerror="alert(10)">
[notes link](javascript:alert(11))
Secret notes text.

## Reflect (10 min) {: .reflect }
Post <svg><script>alert(12)</script></svg> cards.
"""


class Elements(HTMLParser):
    """Every start tag with its attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def assert_no_active_content(html: str) -> None:
    parser = Elements()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert tag not in ("img", "iframe", "svg", "object", "embed", "base"), tag
        if tag == "script":
            assert (attrs.get("src") or "").startswith("/static/"), attrs
        if tag == "form":
            assert not (attrs.get("action") or "").startswith("http"), attrs
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name, value)
            assert name != "style", (tag, name)
            if name in ("href", "src", "action"):
                assert "javascript:" not in (value or "").lower().replace(" ", ""), (tag, value)


def test_xss_payloads_never_reach_the_preview_or_share_page(staff, make):
    result = parse_playbook(XSS_PLAYBOOK)
    assert result.ok, result.errors
    response = upload(staff, XSS_PLAYBOOK)
    assert response.status_code == 302
    playbook = db.session.scalar(sa.select(Playbook))

    preview = staff.get(response.location).get_data(as_text=True)
    shared = staff.get(f"/p/{playbook.share_token}").get_data(as_text=True)
    library = staff.get("/playbooks").get_data(as_text=True)

    for html in (preview, shared, library):
        assert_no_active_content(html)
        assert '<script>alert("title")' not in html
    # Text people typed is shown as text, escaped, not dropped.
    assert "&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt; Intake" in preview
    assert "&lt;img src=x onerror=alert(1)&gt;" in shared  # the lane name, verbatim
    assert "Policy &#34;advisor&#34; &amp; co" in shared
    assert "Visible prompt text." in shared
    assert "Secret notes text." in preview
    assert "Secret notes text." not in shared


def test_prompt_links_keep_only_safe_schemes(staff, make):
    source = SMALL_PLAYBOOK.replace(
        "Work the cases together.",
        "Read [the guide](https://example.gov/guide) and [this](javascript:alert(1)).",
    )
    playbook = make.playbook(source)
    html = staff.get(f"/p/{playbook.share_token}").get_data(as_text=True)
    assert re.search(r'<a href="https://example.gov/guide" rel="noopener noreferrer">', html)
    assert_no_active_content(html)


# --- problems in the reader's language --------------------------------------------------------

NB = "\u00a0"


def french(text: str) -> str:
    """French as the page shows it: escaped as Jinja escapes it."""
    return str(escape(text))


def test_a_french_reader_sees_every_problem_in_french_with_its_line(staff):
    staff.get("/playbooks?lang=fr")
    expected = parse_playbook(MALFORMED)

    response = upload(staff, MALFORMED)

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    errors = html[html.index('id="import-errors"') :]
    errors = errors[: errors.index("</ul>")]
    assert errors.count("<li>") == len(expected.errors)
    for line, text in [
        (
            3,
            f"Votes doit être un nombre entier de 0 à 50, et non «{NB}lots{NB}» "
            f"— écrivez par exemple «{NB}Votes{NB}: 5{NB}»",
        ),
        (6, f"l'étape «{NB}Case work in pods{NB}» n'a pas de durée — écrivez-la par exemple "),
        (
            11,
            f"«{NB}# Session 7{NB}» est hors limites — ce guide compte 3 séances; "
            f"indiquez «{NB}Sessions{NB}: 7{NB}» dans l'en-tête, ou changez son numéro",
        ),
    ]:
        assert french(f"Ligne {line}{NB}: {text}") in errors
    warnings = html[html.index('id="import-warnings"') :]
    assert french(f"Ligne 4{NB}: la clé d'en-tête inconnue «{NB}Colour{NB}» est ignorée") in (
        warnings
    )
    assert "must be" not in html and "write it like" not in html


def test_the_preview_shows_stored_warnings_in_the_reader_s_language(staff, make):
    playbook = make.playbook(SMALL_PLAYBOOK.replace("Duration: 30", "Duration: 45"))
    english = "Line 3: the segments add up to 30 min, but Duration is 45 — adjust a segment"
    french_text = f"Ligne 3{NB}: les étapes totalisent 30{NB}min, mais Duration vaut 45"

    assert english in staff.get(f"/playbooks/{playbook.id}").get_data(as_text=True)
    page = staff.get(f"/playbooks/{playbook.id}?lang=fr").get_data(as_text=True)
    assert french_text in page and english not in page


def test_warnings_stored_before_problems_had_codes_still_show_translated(staff, make):
    playbook = make.playbook(SMALL_PLAYBOOK.replace("Duration: 30", "Duration: 45"))
    playbook.warnings = [{"line": 3, "message": "the segments add up to 30 min, but …"}]
    db.session.commit()

    page = staff.get(f"/playbooks/{playbook.id}?lang=fr").get_data(as_text=True)

    assert f"Ligne 3{NB}: les étapes totalisent 30{NB}min, mais Duration vaut 45" in page
