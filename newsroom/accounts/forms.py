"""The admin's sign-in form (password and, for enrolled accounts, a code) and the code form."""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from newsroom.accounts import twofactor


def token_field(**kwargs) -> forms.CharField:
    return forms.CharField(
        label=_("Code"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "none"}),
        **kwargs,
    )


class LoginForm(AdminAuthenticationForm):
    """Username, password and a code: one from the authenticator app or a recovery code.

    A wrong or missing code of an enrolled account gets the same answer as a wrong
    password, and counts as a failed sign-in for the lockout: the form tells no one that
    the password was right.
    """

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": _(
            "Please enter the correct username, password and, if your account uses "
            "two-factor authentication, code. Note that all fields may be case-sensitive."
        ),
    }

    otp_token = token_field(
        required=False,
        help_text=_("From your authenticator app, or one of your recovery codes."),
    )

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.device = None

    def clean(self):
        cleaned_data = super().clean()
        user = self.get_user()
        if user is not None and twofactor.has_device(user):
            self.device = twofactor.verify(user, cleaned_data.get("otp_token") or "")
            if self.device is None:
                self.user_cache = None
                user_login_failed.send(
                    sender=__name__,
                    credentials={"username": cleaned_data.get("username")},
                    request=self.request,
                )
                raise self.get_invalid_login_error()
        return cleaned_data


class TokenForm(forms.Form):
    """A current code, to confirm an authenticator or a change to one's second factor."""

    otp_token = token_field(
        help_text=_("The six-digit code your authenticator app shows now."),
    )

    def __init__(self, *args, check=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.check = check
        self.device = None

    def clean_otp_token(self):
        token = self.cleaned_data["otp_token"]
        self.device = self.check(token) if self.check else None
        if not self.device:
            raise ValidationError(
                _("That code is not valid. Enter the code your app shows now."), code="invalid"
            )
        return token
