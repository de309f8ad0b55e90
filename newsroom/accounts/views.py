"""Sign-in, enrolment and one's own second factor, inside the admin.

A publisher who must use a second factor and has none is not logged in by a right
password: the session only remembers who is enrolling (for ``PENDING_SECONDS``), and the
enrolment page alone serves that half-signed-in state. Login happens when the first code
from the new authenticator is confirmed, so no page that trusts a staff login (previews,
uploads, drafts) is open before the second factor is set up.
"""

import time

from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.views import REDIRECT_FIELD_NAME, LoginView
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login

from newsroom.accounts import sessions, twofactor
from newsroom.accounts.forms import TokenForm

PENDING_KEY = "_accounts_enrolling"
PENDING_SECONDS = 15 * 60


class AdminLoginView(LoginView):
    site = None

    def get_default_redirect_url(self):
        return reverse("admin:index", current_app=self.site.name)

    def form_valid(self, form):
        user = form.get_user()
        if form.device is None and twofactor.needs_enrolment(user):
            start_enrolment(self.request, user, next_url=self.get_success_url())
            return redirect("admin:accounts_enrol")
        auth_login(self.request, user)
        if form.device is not None:
            otp_login(self.request, form.device)
        return redirect(self.get_success_url())


def login(request, *, site, extra_context=None):
    """The admin's login page (AdminSite.login with a code field and enrolment)."""
    user = request.user
    if request.method == "GET":
        if site.has_permission(request):
            return redirect(reverse("admin:index", current_app=site.name))
        if _may_enrol_logged_in(request) and twofactor.needs_enrolment(user):
            return redirect(reverse("admin:accounts_enrol", current_app=site.name))
    context = {
        **site.each_context(request),
        "title": _("Log in"),
        "subtitle": None,
        "app_path": request.get_full_path(),
        "username": user.get_username(),
    }
    if REDIRECT_FIELD_NAME not in request.GET and REDIRECT_FIELD_NAME not in request.POST:
        context[REDIRECT_FIELD_NAME] = reverse("admin:index", current_app=site.name)
    context.update(extra_context or {})
    request.current_app = site.name
    return AdminLoginView.as_view(
        site=site,
        extra_context=context,
        authentication_form=site.login_form,
        template_name=site.login_template,
    )(request)


def start_enrolment(request, user, *, next_url: str) -> None:
    """Remember ``user`` (whose password was right) as enrolling, logged in as no one."""
    backend = getattr(user, "backend", None) or request.session.get(BACKEND_SESSION_KEY)
    if request.user.is_authenticated:
        auth_logout(request)
    else:
        request.session.cycle_key()
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": backend,
        "at": int(time.time()),
        "next": next_url,
    }


def _pending(request) -> dict | None:
    data = request.session.get(PENDING_KEY)
    if not isinstance(data, dict):
        return None
    if time.time() - data.get("at", 0) > PENDING_SECONDS:
        del request.session[PENDING_KEY]
        return None
    user = get_user_model().objects.filter(pk=data.get("user"), is_active=True).first()
    if user is None or not user.is_staff:
        return None
    return {**data, "user": user}


def _may_enrol_logged_in(request) -> bool:
    user = request.user
    return user.is_authenticated and user.is_active and user.is_staff and sessions.is_fresh(request)


def _may_add_authenticator(request) -> bool:
    """A signed-in user without a second factor, or verified by a recovery code and without
    an authenticator (a code from `manage.py addstatictoken`, or a lost phone)."""
    user = request.user
    if not twofactor.has_device(user):
        return True
    verified = getattr(user, "otp_device", None) is not None
    return verified and not twofactor.has_authenticator(user)


def _render(request, site, template, context, status=200):
    request.current_app = site.name
    return TemplateResponse(
        request, template, {**site.each_context(request), **context}, status=status
    )


@sensitive_post_parameters("otp_token")
@never_cache
@csrf_protect
def enrol(request, *, site):
    """Set up an authenticator: QR code and secret, a code to confirm, then recovery codes."""
    pending = _pending(request)
    if pending is not None:
        user = pending["user"]
    elif _may_enrol_logged_in(request) and _may_add_authenticator(request):
        user = request.user
    else:
        return redirect(reverse("admin:login", current_app=site.name))
    device = twofactor.pending_totp_device(user)
    form = TokenForm(
        request.POST if request.method == "POST" else None,
        check=lambda token: twofactor.confirm_totp(device, token),
    )
    if form.is_valid():
        next_url = reverse("admin:index", current_app=site.name)
        if pending is not None:
            del request.session[PENDING_KEY]
            auth_login(request, user, backend=pending["backend"])
            next_url = pending.get("next") or next_url
        otp_login(request, form.device)
        codes = twofactor.new_recovery_codes(user)
        return _render(
            request,
            site,
            "admin/accounts/recovery_codes.html",
            {"title": _("Your recovery codes"), "codes": codes, "next_url": next_url},
        )
    return _render(
        request,
        site,
        "admin/accounts/enrol.html",
        {
            "title": _("Set up two-factor authentication"),
            "enrolling_user": user,
            "is_required": twofactor.otp_required_for(user),
            # The SVG is made by qrcode from our own otpauth:// URL (XML-escaped there).
            "qr_svg": mark_safe(twofactor.qr_svg(device)),  # noqa: S308
            "secret": twofactor.secret_text(device),
            "form": form,
        },
    )


def two_factor(request, *, site):
    """One's second factor: whether it is set up, recovery codes left, what can be done."""
    user = request.user
    return _render(
        request,
        site,
        "admin/accounts/two_factor.html",
        {
            "title": _("Two-factor authentication"),
            "has_device": twofactor.has_device(user),
            "has_authenticator": twofactor.has_authenticator(user),
            "is_required": twofactor.otp_required_for(user),
            "codes_left": twofactor.recovery_codes_left(user),
        },
    )


def _current_code_form(request) -> TokenForm:
    """The form asking the signed-in user for a current code (authenticator or recovery)."""
    user = request.user
    return TokenForm(
        request.POST if request.method == "POST" else None,
        check=lambda token: twofactor.verify(user, token),
    )


@sensitive_post_parameters("otp_token")
def regenerate_recovery_codes(request, *, site):
    """New recovery codes (the old ones stop working), for a current code."""
    user = request.user
    if not twofactor.has_device(user):
        return redirect(reverse("admin:accounts_two_factor", current_app=site.name))
    form = _current_code_form(request)
    if form.is_valid():
        codes = twofactor.new_recovery_codes(user)
        return _render(
            request,
            site,
            "admin/accounts/recovery_codes.html",
            {
                "title": _("Your recovery codes"),
                "codes": codes,
                "next_url": reverse("admin:accounts_two_factor", current_app=site.name),
            },
        )
    return _render(
        request,
        site,
        "admin/accounts/confirm.html",
        {
            "title": _("New recovery codes"),
            "explanation": _(
                "New recovery codes replace all your current ones. Enter a current code "
                "from your authenticator app (or a recovery code) to continue."
            ),
            "button": _("Make new recovery codes"),
            "form": form,
        },
    )


@sensitive_post_parameters("otp_token")
def reset_device(request, *, site):
    """Remove one's authenticator and recovery codes (a new phone), for a current code."""
    user = request.user
    if not twofactor.has_device(user):
        return redirect(reverse("admin:accounts_two_factor", current_app=site.name))
    form = _current_code_form(request)
    if form.is_valid():
        twofactor.remove_devices(user)
        if twofactor.otp_required_for(user):
            # Signed in again only once the new authenticator is confirmed.
            start_enrolment(request, user, next_url=reverse("admin:index", current_app=site.name))
        return redirect(reverse("admin:accounts_enrol", current_app=site.name))
    return _render(
        request,
        site,
        "admin/accounts/confirm.html",
        {
            "title": _("Reset two-factor authentication"),
            "explanation": _(
                "This removes your authenticator and your recovery codes; then you set up "
                "a new authenticator. Enter a current code from your authenticator app "
                "(or a recovery code) to continue."
            ),
            "button": _("Reset"),
            "form": form,
        },
    )
