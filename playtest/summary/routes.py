"""Summary pages, printable report and exports."""

from flask import Blueprint

bp = Blueprint("summary", __name__)
