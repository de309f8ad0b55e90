"""Login lockout (django-axes): two limits, and the page a locked-out sign-in gets.

``AXES_FAILURE_LIMIT`` failures of one account from one address lock that combination;
``AXES_ADDRESS_FAILURE_LIMIT`` failures from one address, whatever the accounts, lock the
address (a password sprayed over many accounts). A newsroom behind one NAT address keeps
working while one colleague mistypes. Both for ``AXES_COOLOFF_TIME`` after the last try.
"""

import ipaddress
import math

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin
from django.db.models import Sum
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from newsroom.ratelimit import client_address


def client_ip(request) -> str | None:
    """The client's address by the site's one rule (newsroom.ratelimit.client_address, which
    reads TRUSTED_PROXY_COUNT), kept only if it is an IP address: axes stores it in an
    address column, where a malformed X-Forwarded-For entry would be a server error."""
    for address in (client_address(request), request.META.get("REMOTE_ADDR", "")):
        try:
            return str(ipaddress.ip_address(address))
        except ValueError:
            continue
    return None


class LockoutHandler(AxesDatabaseHandler):
    """axes' database handler, counting per account and address and per address."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        attempts = AccessAttempt.objects.filter(ip_address=request.axes_ip_address)
        if settings.AXES_COOLOFF_TIME is not None:
            cool_off = get_cool_off(request)
            attempts = attempts.filter(attempt_time__gte=request.axes_attempt_time - cool_off)
        username = get_client_username(request, credentials)
        account = _sum(attempts.filter(username=username))
        if _sum(attempts) >= settings.AXES_ADDRESS_FAILURE_LIMIT:
            return max(account, get_failure_limit(request, credentials))
        return account


def _sum(attempts) -> int:
    return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0


def cool_off_minutes(request) -> int:
    """Minutes until a locked sign-in may try again (each refused try starts them anew)."""
    cool_off = get_cool_off(request)
    return max(1, math.ceil(cool_off.total_seconds() / 60)) if cool_off else 0


def locked_out(request, original_response=None, credentials=None):
    """The answer to a sign-in refused by the lockout: an admin page, HTTP 429."""
    minutes = cool_off_minutes(request)
    if minutes:
        message = ngettext(
            "Too many failed sign-in attempts. Try again in %(minutes)d minute "
            "or ask an administrator to unlock your account.",
            "Too many failed sign-in attempts. Try again in %(minutes)d minutes "
            "or ask an administrator to unlock your account.",
            minutes,
        ) % {"minutes": minutes}
    else:
        message = _(
            "Too many failed sign-in attempts. Ask an administrator to unlock your account."
        )
    context = {
        **admin.site.each_context(request),
        "title": _("Sign-in locked"),
        "message": message,
    }
    response = render(request, "admin/accounts/locked_out.html", context, status=429)
    if minutes:
        response["Retry-After"] = str(minutes * 60)
    return response
