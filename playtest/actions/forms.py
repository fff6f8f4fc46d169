"""The CSRF-protected button of the "You said, we did" switch."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SubmitField


class FeedbackLinkForm(FlaskForm):
    """Turn the link on or off, or renew it (`change`)."""

    change = HiddenField()
    submit = SubmitField(_l("Confirm"))
