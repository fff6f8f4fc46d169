"""Creating an account (an admin then sends it a set-password link)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, RadioField, SubmitField
from wtforms.validators import DataRequired, Length, Regexp

from playtest.config import EMAIL_MAX_CHARS
from playtest.enums import AccountRole
from playtest.security import strip_controls_filter

ACCOUNT_ROLE_CHOICES = [
    (AccountRole.FACILITATOR.value, _l("Facilitator")),
    (AccountRole.OBSERVER.value, _l("Observer")),
    (AccountRole.ADMIN.value, _l("Admin")),
]


class AccountForm(FlaskForm):
    email = EmailField(
        _l("Email address"),
        validators=[
            DataRequired(_l("Enter an email address")),
            Regexp(
                r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
                message=_l("Enter an email address like name@example.gov"),
            ),
            Length(max=EMAIL_MAX_CHARS),
        ],
        filters=[strip_controls_filter],
    )
    role = RadioField(
        _l("Role"),
        default=AccountRole.FACILITATOR.value,
        validators=[DataRequired(_l("Choose a role"))],
    )
    submit = SubmitField(_l("Create account"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = ACCOUNT_ROLE_CHOICES  # WTForms 3.3 warns on tuples at declaration
