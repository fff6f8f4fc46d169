"""The members section of the playtest page (its routes are facilitation/routes.py's)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, SubmitField
from wtforms.validators import DataRequired, Length

from playtest.config import EMAIL_MAX_CHARS
from playtest.enums import MemberRole
from playtest.security import strip_controls_filter

MEMBER_ROLE_NAMES = [
    (MemberRole.OWNER.value, _l("owner")),
    (MemberRole.FACILITATOR.value, _l("facilitator")),
    (MemberRole.OBSERVER.value, _l("observer")),
]
ROLE_CHOICES = [
    (MemberRole.FACILITATOR.value, _l("Facilitator")),
    (MemberRole.OBSERVER.value, _l("Observer")),
    (MemberRole.OWNER.value, _l("Owner")),
]


class MemberForm(FlaskForm):
    email = EmailField(
        _l("Email address"),
        validators=[
            DataRequired(_l("Enter the email address of their account")),
            Length(max=EMAIL_MAX_CHARS),
        ],
        filters=[strip_controls_filter],
    )
    role = SelectField(_l("Role in this playtest"))
    submit = SubmitField(_l("Add member"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = ROLE_CHOICES  # set here: WTForms 3.3 warns on tuples at declaration
