"""Login form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Length

from playtest import config


class LoginForm(FlaskForm):
    email = EmailField(
        _l("Email address"), validators=[DataRequired(), Length(max=config.EMAIL_MAX_CHARS)]
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired(), Length(max=config.PASSWORD_MAX_CHARS)]
    )
    submit = SubmitField(_l("Sign in"))
