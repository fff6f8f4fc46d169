"""Sign-in and set-password forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from playtest import config


class LoginForm(FlaskForm):
    email = EmailField(
        _l("Email address"), validators=[DataRequired(), Length(max=config.EMAIL_MAX_CHARS)]
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired(), Length(max=config.PASSWORD_MAX_CHARS)]
    )
    submit = SubmitField(_l("Sign in"))


class SetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"),
        description=_l("At least %(n)d characters.", n=config.PASSWORD_MIN_CHARS),
        validators=[
            DataRequired(_l("Enter a new password")),
            Length(
                min=config.PASSWORD_MIN_CHARS,
                max=config.PASSWORD_MAX_CHARS,
                message=_l(
                    "The password must be %(min)d to %(max)d characters long",
                    min=config.PASSWORD_MIN_CHARS,
                    max=config.PASSWORD_MAX_CHARS,
                ),
            ),
        ],
    )
    confirm = PasswordField(
        _l("Confirm the new password"),
        validators=[
            DataRequired(_l("Enter the new password again")),
            EqualTo("password", _l("The two passwords are not the same")),
        ],
    )
    submit = SubmitField(_l("Set password"))
