"""The duty officer's dashboard: the live board, report pages, figures, library and registry.

Served at /dashboard by the same Flask app. Accounts are the registry's duty officers (who see
every report) and grid leaders (who see their grid's); passwords are set with
`python -m bot.scripts.staff set-password <wecom-userid>`.
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint(
    "dashboard",
    __name__,
    url_prefix="/dashboard",
    template_folder="templates",
    static_folder="static",
)


def _configure(setup_state) -> None:
    from bot.dashboard.security import configure

    configure(setup_state.app)


bp.record_once(_configure)

# The views attach themselves to `bp`.
from bot.dashboard import auth, board, figureviews, libraryviews, reportview  # noqa: E402, F401
