"""CSRF-protected buttons: remove (after the confirmation page), keep out of the summary."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SubmitField


class RemoveForm(FlaskForm):
    submit = SubmitField(_l("Yes, remove it"))


class ExcludeForm(FlaskForm):
    excluded = HiddenField()  # "1": leave the round out of the summary; "0": put it back
