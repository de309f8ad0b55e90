"""The admin site: the sign-in with a second factor, and pages to manage one's own."""

from django.contrib import admin
from django.urls import path

from newsroom.accounts import sessions, twofactor, views
from newsroom.accounts.forms import LoginForm


class NewsroomAdminSite(admin.AdminSite):
    """The admin, usable by an active staff member whose session is younger than
    ``STAFF_SESSION_SECONDS`` and who has given a second factor when enrolled or required."""

    login_form = LoginForm
    login_template = "admin/login.html"

    def has_permission(self, request):
        return (
            super().has_permission(request)
            and sessions.is_fresh(request)
            and (self.second_factor_ok(request))
        )

    def second_factor_ok(self, request) -> bool:
        user = request.user
        if getattr(user, "otp_device", None) is not None:
            return True
        # each_context() asks again on every page: the device lookup is made once.
        cache = request.__dict__.setdefault("_accounts_has_device", {})
        if user.pk not in cache:
            cache[user.pk] = twofactor.has_device(user)
        return not cache[user.pk] and not twofactor.otp_required_for(user)

    def login(self, request, extra_context=None):
        return views.login(request, site=self, extra_context=extra_context)

    def get_urls(self):
        return [
            # Not behind admin_view: the account signing in is not logged in yet.
            path("accounts/enrol/", views.enrol, {"site": self}, name="accounts_enrol"),
            path(
                "accounts/two-factor/",
                self.admin_view(views.two_factor),
                {"site": self},
                name="accounts_two_factor",
            ),
            path(
                "accounts/two-factor/recovery-codes/",
                self.admin_view(views.regenerate_recovery_codes),
                {"site": self},
                name="accounts_recovery_codes",
            ),
            path(
                "accounts/two-factor/reset/",
                self.admin_view(views.reset_device),
                {"site": self},
                name="accounts_reset_device",
            ),
            *super().get_urls(),
        ]
