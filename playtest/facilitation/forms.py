"""Forms for playtests, rounds, sessions and joining."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from playtest.config import DISPLAY_NAME_MAX_CHARS, TITLE_MAX_CHARS
from playtest.security import strip_controls_filter


class PlaytestForm(FlaskForm):
    title = StringField(
        _l("Playtest title"),
        validators=[DataRequired(), Length(max=TITLE_MAX_CHARS)],
        filters=[strip_controls_filter],
    )
    submit = SubmitField(_l("Create playtest"))


class RoundForm(FlaskForm):
    label = StringField(
        _l("Round label"),
        validators=[DataRequired(), Length(max=TITLE_MAX_CHARS)],
        filters=[strip_controls_filter],
    )
    playbook_id = SelectField(_l("Playbook version"), coerce=int, validators=[DataRequired()])
    paired_playbook_id = SelectField(_l("Paired playbook in the other language"), coerce=int)
    baseline = BooleanField(_l("This round is the baseline"))
    submit = SubmitField(_l("Add round"))


class ScheduleForm(FlaskForm):
    """Schedules one session; the number comes from the button's form."""

    number = HiddenField()
    submit = SubmitField(_l("Schedule"))


class ActionForm(FlaskForm):
    """A CSRF-protected button with no fields (mark baseline, etc.)."""

    submit = SubmitField(_l("Confirm"))


class CodeForm(FlaskForm):
    """The front door's join code (a GET form: nothing changes, so no CSRF token)."""

    class Meta:
        csrf = False

    code = StringField(
        _l("Join code"),
        validators=[DataRequired(message=_l("Enter the join code shown on the screen."))],
        filters=[strip_controls_filter],
    )


class JoinForm(FlaskForm):
    display_name = StringField(
        _l("Display name"),
        validators=[DataRequired(), Length(max=DISPLAY_NAME_MAX_CHARS)],
        filters=[strip_controls_filter],
    )
    role = RadioField(_l("Role"), validators=[DataRequired()], choices=[])
    previous_token = HiddenField()
    submit = SubmitField(_l("Join session"))
