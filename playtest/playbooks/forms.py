"""Playbook upload form: a file or pasted markdown."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileSize
from wtforms import SubmitField, TextAreaField
from wtforms.validators import Optional

from playtest.config import PLAYBOOK_MAX_BYTES


class UploadForm(FlaskForm):
    file = FileField(
        _l("Upload a markdown file"),
        validators=[Optional(), FileSize(max_size=PLAYBOOK_MAX_BYTES)],
    )
    # No Length(): the limit is in bytes, and the parser reports an oversized playbook itself.
    text = TextAreaField(_l("Or paste the playbook"), validators=[Optional()])
    submit = SubmitField(_l("Check and import"))
