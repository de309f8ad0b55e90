"""Staff sessions end ``STAFF_SESSION_SECONDS`` after sign-in, however they are used.

The expiry is an absolute time set at login (a datetime, not an age: saving the session
later does not push it back), and the admin also refuses a session whose recorded login
time is older than the limit, so nothing that rewrites the expiry can extend it.
"""

import datetime as dt
import time

from django.conf import settings
from django.utils import timezone

LOGIN_AT_KEY = "_accounts_login_at"


def on_login(sender, request, user, **kwargs):
    """user_logged_in: stamp the session, and end a staff session at login + the limit."""
    session = getattr(request, "session", None)
    if session is None:
        return
    session[LOGIN_AT_KEY] = int(time.time())
    if user.is_staff:
        seconds = min(settings.STAFF_SESSION_SECONDS, settings.SESSION_COOKIE_AGE)
        session.set_expiry(timezone.now() + dt.timedelta(seconds=seconds))


def is_fresh(request) -> bool:
    """False for a staff session older than ``STAFF_SESSION_SECONDS`` (or never stamped)."""
    if not request.user.is_staff:
        return True
    login_at = request.session.get(LOGIN_AT_KEY)
    if not isinstance(login_at, int):
        return False
    return time.time() - login_at <= settings.STAFF_SESSION_SECONDS
